"""Format validation of records against their dialect (the FT1xx rules).

Two paths:

- a fast path: a hand-written check per dialect, run on the already-parsed
  record, that answers "certainly clean" for the common valid shapes. It is
  strictly narrower than the precise path: whatever it accepts, the precise
  path has nothing to say about (a property test holds it to that);
- the precise path, only for records the fast path does not accept: the
  dialect's JSON Schema (``ftlsp.schemas``) plus the semantic checks a schema
  cannot express, producing located ``Problem`` s.

Every FT1xx rule reads the same analysis (computed once per record and
cached) and keeps the problems that carry its code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ftlsp import dialects as D
from ftlsp.fields import ROLE_ALIASES
from ftlsp.jsonparse import escape_pointer_token
from ftlsp.rule import Edit, ExampleRule, Finding, Fix, Severity
from ftlsp.schemas import OPENAI_ROLES, SCHEMAS, SHAREGPT_ROLES, validator

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# Dialects that share the {"messages": [...]} shape: a record detected as one of them is checked
# against the file's dialect instead of being reported as mixed.
MESSAGE_DIALECTS = frozenset({D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES, D.BEDROCK_CLAUDE})
# Trainers (not upload APIs): a missing answer or empty text is not rejected, only useless.
LENIENT = frozenset({D.TRL_TEXT, D.TRL_MESSAGES, D.TRL_PREFERENCE})


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    pointer: str = ""
    target: str = "value"
    severity: Severity | None = None
    replace: str | None = None  # fix: JSON text replacing the value at ``pointer``
    rename: str | None = None  # fix: new name of the key at ``pointer``

    def finding(self, ex) -> Finding:
        fix = None
        try:
            if self.replace is not None:
                fix = Fix(f"Replace with {self.replace}", (ex.replace_value(self.pointer, self.replace),))
            elif self.rename is not None:
                ks, ke, _, _ = ex.record.spans()[self.pointer]
                fix = Fix(f"Rename key to {json.dumps(self.rename)}",
                          (Edit(ex.record.start + ks, ex.record.start + ke, json.dumps(self.rename)),))
        except (KeyError, IndexError):  # the pointer is not locatable in this text: no fix
            fix = None
        return Finding(self.message, self.pointer, self.target, severity=self.severity, fix=fix)


# -- helpers ---------------------------------------------------------------------------------------

def q(v: Any, limit: int = 60) -> str:
    """A value quoted as JSON, shortened for messages."""
    try:
        s = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def ptr(base: str, *tokens: Any) -> str:
    return base + "".join("/" + escape_pointer_token(str(t)) for t in tokens)


_ITEM_NAMES = {"messages": "message", "contents": "turn", "conversations": "turn", "preferred_output": "message",
               "non_preferred_output": "message", "tool_calls": "tool call", "content": "part", "parts": "part",
               "tools": "tool", "system": "system part"}


def _label(path: tuple) -> str:
    """How a message names a location: the key, or the array item ("message 2")."""
    if not path:
        return "the record"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else ""
        name = _ITEM_NAMES.get(parent) if isinstance(parent, str) else None
        if name:
            return f"{name} {last}"
        return f"item {last} of {json.dumps(parent)}" if parent else f"item {last}"
    return json.dumps(last)


def closest(value: str, choices: Iterable[str], cutoff: float = 70) -> str | None:
    from rapidfuzz import fuzz, process

    choices = list(choices)
    low = value.strip().lower()
    for c in choices:
        if c.lower() == low:
            return c
    hit = process.extractOne(low, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else None


# Normalised role -> how the dialect spells it (None: not a turn role in this dialect).
_ROLE_SPELLING: dict[str, dict[str, str | None]] = {
    D.GEMINI: {"user": "user", "assistant": "model", "system": None, "tool": "function"},
    D.SHAREGPT: {"user": "human", "assistant": "gpt", "system": "system", "tool": "observation"},
    D.BEDROCK_CLAUDE: {"user": "user", "assistant": "assistant", "system": None, "tool": None},
    D.BEDROCK_CONVERSATION: {"user": "user", "assistant": "assistant", "system": None, "tool": None},
}
_EXTRA_ALIASES = {"ai": "assistant", "agent": "assistant", "response": "assistant", "answer": "assistant",
                  "output": "assistant", "question": "user", "input": "user", "prompt": "user",
                  "customer": "user", "instruction": "user", "sys": "system"}
_SYSTEM_HINT = {
    D.GEMINI: 'put system text in "systemInstruction", not in a turn',
    D.BEDROCK_CLAUDE: 'put system text in the top-level "system" string, not in a message',
    D.BEDROCK_CONVERSATION: 'put system text in the top-level "system" list, not in a message',
}


def suggest_role(value: Any, valid: list[str], dialect: str) -> tuple[str | None, str | None]:
    """(suggested role, hint) for an unknown role."""
    if not isinstance(value, str):
        return None, None
    low = value.strip().lower()
    for v in valid:
        if v == low:
            return v, None
    norm = ROLE_ALIASES.get(low) or _EXTRA_ALIASES.get(low)
    if norm is None:
        guess = closest(low, [*valid, *ROLE_ALIASES], 75)
        if guess in valid:
            return guess, None
        norm = ROLE_ALIASES.get(guess) if guess else None
    if norm is not None:
        spelling = _ROLE_SPELLING.get(dialect, {}).get(norm, norm)
        if spelling in valid:
            return spelling, None
        if norm == "system" and dialect in _SYSTEM_HINT:
            return None, _SYSTEM_HINT[dialect]
    return None, None


# -- the precise path: schema ------------------------------------------------------------------------

_TYPE_WORDS = {"string": "a string", "array": "an array", "object": "an object", "null": "null",
               "boolean": "a boolean", "integer": "an integer", "number": "a number"}
_CONVERSATION_KEYS = {"messages", "contents", "conversations", "preferred_output", "non_preferred_output"}


def _expected(types: Any, last: Any = None) -> str:
    if isinstance(types, str):
        types = [types]
    words = [_TYPE_WORDS.get(t, t) for t in types]
    if last in ("content", "parts") and "array" in types:
        words[types.index("array")] = "a list of content parts"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def unknown_keys(inst: dict, schema: dict, path: tuple = ()) -> list[Problem]:
    """FT104 for each key of ``inst`` that ``schema`` (a closed object) does not define."""
    out = []
    props = schema.get("properties", {})
    sev = ERROR if schema.get("x-unknown-keys", "error") == "error" else WARNING
    p = ptr("", *path)
    for key in inst:
        if key in props:
            continue
        guess = closest(key, props, 75) if isinstance(key, str) else None
        rename = guess if guess and guess not in inst else None
        hint = f' (did you mean {json.dumps(guess)}?)' if guess else ""
        where = "the record" if not path else _label(path)
        allowed = ", ".join(json.dumps(k) for k in props)
        what = "is rejected by the provider" if sev == ERROR else "is ignored"
        out.append(Problem("FT104", f"unknown key {json.dumps(key)} in {where}{hint}; it {what} "
                                    f"(allowed: {allowed})", ptr(p, key), "key", severity=sev, rename=rename))
    return out


def schema_problems(data: Any, dialect: str) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple] = set()
    for err in validator(dialect).iter_errors(data):
        path = tuple(err.absolute_path)
        p = ptr("", *path)
        kw = err.validator
        inst = err.instance
        last = path[-1] if path else None
        if kw == "type":
            out.append(Problem("FT103", f"{_label(path)} must be {_expected(err.validator_value, last)}, "
                                        f"not {kind(inst)} {q(inst)}", p))
        elif kw == "required":
            for key in err.validator_value:
                if isinstance(inst, dict) and key not in inst and (p, key) not in seen:
                    seen.add((p, key))
                    where = "the record" if not path else _label(path)
                    out.append(Problem("FT109", f"{where} has no {json.dumps(key)} key", p))
        elif kw == "additionalProperties":
            out.extend(unknown_keys(inst, err.schema, path))
        elif kw in ("enum", "const"):
            allowed = err.validator_value if kw == "enum" else [err.validator_value]
            shown = (json.dumps(allowed[0]) if len(allowed) == 1
                     else "one of " + ", ".join(json.dumps(a) for a in allowed))
            if last in ("role", "from") and isinstance(inst, str):
                good, hint = suggest_role(inst, list(allowed), dialect)
                extra = f'; did you mean {json.dumps(good)}?' if good else (f"; {hint}" if hint else "")
                out.append(Problem("FT102", f"unknown role {q(inst)} (allowed: {shown}){extra}", p,
                                   replace=json.dumps(good) if good else None))
            elif last == "weight":
                out.append(Problem("FT107", f"weight must be 0 or 1, not {q(inst)}", p))
            elif last == "type" and len(path) >= 3 and path[-3] == "content":
                out.append(Problem("FT111", f"unknown content part type {q(inst)} (allowed: {shown})", p))
            else:
                out.append(Problem("FT103", f"{_label(path)} must be {shown}, not {q(inst)}", p))
        elif kw in ("minItems", "minLength", "minProperties"):
            if kw == "minItems" and last in _CONVERSATION_KEYS:
                out.append(Problem("FT101", f"{_label(path)} is empty: there is nothing to train on", p))
            else:
                out.append(Problem("FT105", f"{_label(path)} is empty", p))
        elif kw == "maxItems":
            out.append(Problem("FT103", f"{_label(path)} must hold at most {err.validator_value} item(s), "
                                        f"has {len(inst)}", p))
        elif kw == "pattern":
            out.append(Problem("FT103", f"{_label(path)} {q(inst)} must match {err.validator_value}", p))
        else:
            out.append(Problem("FT103", f"{_label(path)}: {err.message}", p))
    return out


# -- the precise path: semantics ---------------------------------------------------------------------

def _role(m: Any, key: str = "role") -> Any:
    return m.get(key) if isinstance(m, dict) else None


# The role vocabulary of each dialect (as in its schema) and its answering role.
_VALID_ROLES: dict[str, tuple[list[str], str]] = {
    D.OPENAI_CHAT: (list(OPENAI_ROLES), "assistant"), D.OPENAI_PREFERENCE: (list(OPENAI_ROLES), "assistant"),
    D.MISTRAL: (["system", "user", "assistant", "tool"], "assistant"),
    D.TRL_MESSAGES: (["system", "developer", "user", "assistant", "tool"], "assistant"),
    D.BEDROCK_CLAUDE: (["user", "assistant"], "assistant"), D.BEDROCK_CONVERSATION: (["user", "assistant"], "assistant"),
    D.GEMINI: (["user", "model", "function"], "model"), D.SHAREGPT: (list(SHAREGPT_ROLES), "gpt"),
}


def _aliased_to_assistant(msgs: list, dialect: str, key: str = "role") -> bool:
    """Some turn's unknown role means the answering role (FT102 says so; FT101 would only repeat it)."""
    valid, answer = _VALID_ROLES.get(dialect, (list(OPENAI_ROLES), "assistant"))
    for m in msgs:
        r = _role(m, key)
        if isinstance(r, str) and r not in valid and suggest_role(r, valid, dialect)[0] == answer:
            return True
    return False


def _chat_semantics(msgs: Any, base: str, dialect: str, out: list[Problem], *, tools: Any = None,
                    need_assistant: bool = True, trailing: bool = True) -> None:
    """OpenAI/Mistral/TRL messages: content rules, weights, tool-call pairing, a trainable answer."""
    if not isinstance(msgs, list) or not msgs:
        return
    lenient = dialect in LENIENT
    tool_names = _tool_names(tools)
    pending: dict[str, str] = {}  # tool call id -> pointer of the call, awaiting a tool response
    answered: set[str] = set()
    calls_owner = -1  # index of the assistant message whose calls are pending
    has_assistant = trainable = False
    for i, m in enumerate(msgs):
        if not isinstance(m, dict):
            continue
        mp = ptr(base, i)
        role = m.get("role")
        calls = m.get("tool_calls")
        has_calls = bool(calls) or m.get("function_call") is not None
        answers_call = role == "assistant" and has_calls
        # content
        if "content" not in m:
            if not answers_call and isinstance(role, str) and not (dialect == D.TRL_MESSAGES):
                out.append(Problem("FT109", f"message {i} ({q(role)}) has no \"content\" key", mp))
        else:
            c = m["content"]
            cp = ptr(mp, "content")
            if c is None:
                if not answers_call:
                    out.append(Problem("FT105", f"message {i} ({q(role)}) has null content; only an assistant "
                                                "message with tool_calls may", cp,
                                       severity=WARNING if lenient else None))
            elif isinstance(c, str):
                if not c and not answers_call:
                    out.append(Problem("FT105", f"message {i} ({q(role)}) has empty content", cp,
                                       severity=WARNING if lenient else None))
                elif c and c.isspace():
                    out.append(Problem("FT105", f"message {i} ({q(role)}) content is only whitespace {q(c)}", cp,
                                       severity=WARNING))
            elif isinstance(c, list):
                if not c and not answers_call:
                    out.append(Problem("FT105", f"message {i} ({q(role)}) has an empty list of content parts",
                                       cp, severity=WARNING if lenient else None))
                for j, part in enumerate(c):
                    if not isinstance(part, dict):
                        continue
                    if part.get("type") == "image_url" and role != "user" and dialect == D.OPENAI_CHAT:
                        out.append(Problem("FT111", f"image_url part in a {q(role)} message: images are only "
                                                    "allowed in user messages", ptr(cp, j, "type")))
                    t = part.get("text")
                    if part.get("type") == "text" and isinstance(t, str) and (not t or t.isspace()):
                        out.append(Problem("FT105", f"text part {j} of message {i} is empty", ptr(cp, j, "text"),
                                           severity=WARNING))
        # weight
        if "weight" in m and dialect != D.TRL_MESSAGES:
            w = m["weight"]
            wp = ptr(mp, "weight")
            if isinstance(w, bool) or not isinstance(w, int) or w not in (0, 1):
                out.append(Problem("FT107", f"weight must be the integer 0 or 1, not {q(w)}", wp))
            elif role != "assistant":
                out.append(Problem("FT107", f"weight on a {q(role)} message: only assistant messages have a "
                                            "weight (other messages are never trained on)", wp))
        if role == "assistant":
            has_assistant = True
            w = m.get("weight", 1)
            if w != 0:
                trainable = True
        # tool calls
        if role == "tool":
            tcid = m.get("tool_call_id")
            if "tool_call_id" not in m and dialect != D.TRL_MESSAGES:
                out.append(Problem("FT109", f"tool message {i} has no \"tool_call_id\" key", mp))
            elif isinstance(tcid, str):
                if tcid in pending:
                    del pending[tcid]
                elif tcid in answered:
                    out.append(Problem("FT106", f"tool_call_id {q(tcid)} answers a tool call that already has a "
                                                "response", ptr(mp, "tool_call_id")))
                else:
                    out.append(Problem("FT106", f"tool_call_id {q(tcid)} matches no tool call of an earlier "
                                                "assistant message", ptr(mp, "tool_call_id")))
                answered.add(tcid)
            continue
        if role == "function" and "name" not in m:
            out.append(Problem("FT109", f"function message {i} has no \"name\" key", mp))
        if pending:
            _unanswered(pending, i, out)
        if calls is not None and role != "assistant":
            out.append(Problem("FT106", f"tool_calls on a {q(role)} message: only assistant messages make tool "
                                        "calls", ptr(mp, "tool_calls")))
        if isinstance(calls, list) and role == "assistant":
            calls_owner = i
            for j, c in enumerate(calls):
                if not isinstance(c, dict):
                    continue
                cp = ptr(mp, "tool_calls", j)
                cid = c.get("id")
                if isinstance(cid, str):
                    if cid in pending or cid in answered:
                        out.append(Problem("FT106", f"duplicate tool call id {q(cid)}", ptr(cp, "id")))
                    pending[cid] = ptr(cp, "id")
                _check_call(c.get("function"), ptr(cp, "function"), tool_names, out)
        _check_call(m.get("function_call"), ptr(mp, "function_call"), None, out)
    if pending and calls_owner != len(msgs) - 1:
        _unanswered(pending, None, out)
    if need_assistant:
        sev = WARNING if lenient else None
        if not has_assistant:
            if not _aliased_to_assistant(msgs, dialect):
                out.append(Problem("FT101", f"no assistant message among the {len(msgs)} message(s): there is "
                                            "nothing to train on", base, severity=sev))
        elif not trainable:
            out.append(Problem("FT101", "every assistant message has weight 0: there is nothing to train on",
                               base, severity=sev))
        elif trailing:
            last_role = _role(msgs[-1])
            if last_role != "assistant" and isinstance(last_role, str):
                out.append(Problem("FT110", f"the conversation ends with a {q(last_role)} message after the last "
                                            "assistant turn; trailing turns are not trained on",
                                   ptr(base, len(msgs) - 1, "role"), severity=WARNING))


def _unanswered(pending: dict[str, str], before: int | None, out: list[Problem]) -> None:
    where = f"before message {before}" if before is not None else "in the conversation"
    for cid, p in pending.items():
        out.append(Problem("FT106", f"tool call {q(cid)} has no tool response {where}", p))
    pending.clear()


def _tool_names(tools: Any) -> set[str] | None:
    if not isinstance(tools, list):
        return None
    names = set()
    for t in tools:
        fn = t.get("function") if isinstance(t, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            names.add(fn["name"])
        elif isinstance(t, dict) and isinstance(t.get("name"), str):
            names.add(t["name"])
    return names


def _check_call(fn: Any, p: str, tool_names: set[str] | None, out: list[Problem]) -> None:
    if not isinstance(fn, dict):
        return
    name = fn.get("name")
    if tool_names is not None and isinstance(name, str) and name not in tool_names:
        guess = closest(name, tool_names, 80) if tool_names else None
        hint = f"; did you mean {json.dumps(guess)}?" if guess else ""
        out.append(Problem("FT106", f"call of {q(name)}, which is not among the record's tools{hint}",
                           ptr(p, "name"), severity=WARNING))
    args = fn.get("arguments")
    if isinstance(args, str):
        try:
            json.loads(args)
        except ValueError:
            out.append(Problem("FT106", f"arguments are not valid JSON: {q(args)}; the model learns to emit "
                                        "broken calls", ptr(p, "arguments"), severity=WARNING))


def _alternation(msgs: Any, base: str, out: list[Problem], dialect: str, *, key: str, user: str, assistant: str,
                 sev: Severity, first_user: bool, alternate: bool) -> bool:
    """Turn order for dialects that require user/assistant alternation. Returns True if an answer exists."""
    if not isinstance(msgs, list) or not msgs:
        return False
    roles = [_role(m, key) for m in msgs]
    if not any(r == assistant for r in roles):
        if not _aliased_to_assistant(msgs, dialect, key):
            out.append(Problem("FT101", f"no {json.dumps(assistant)} turn among the {len(msgs)} turn(s): there is "
                                        "nothing to train on", base))
        return False
    if first_user and roles[0] != user and roles[0] in (user, assistant):
        out.append(Problem("FT110", f"the conversation starts with a {q(roles[0])} turn; it must start with "
                                    f"{json.dumps(user)}", ptr(base, 0, key), severity=sev))
    if alternate:
        for i in range(1, len(roles)):
            if roles[i] == roles[i - 1] and roles[i] in (user, assistant):
                out.append(Problem("FT110", f"two {q(roles[i])} turns in a row (turns {i - 1} and {i}); turns must "
                                            f"alternate {json.dumps(user)}/{json.dumps(assistant)}",
                                   ptr(base, i, key), severity=sev))
    if roles[-1] != assistant and roles[-1] in (user, assistant):
        out.append(Problem("FT110", f"the conversation ends with a {q(roles[-1])} turn; it must end with "
                                    f"{json.dumps(assistant)}", ptr(base, len(msgs) - 1, key), severity=sev))
    return True


def _text_blocks(blocks: Any, base: str, out: list[Problem], what: str) -> None:
    if isinstance(blocks, list):
        for j, b in enumerate(blocks):
            t = b.get("text") if isinstance(b, dict) else None
            if isinstance(t, str) and (not t or t.isspace()):
                out.append(Problem("FT105", f"text of {what} part {j} is empty", ptr(base, j, "text")))


def semantic_problems(data: dict, dialect: str) -> list[Problem]:
    out: list[Problem] = []
    if dialect in (D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES):
        _chat_semantics(data.get("messages"), "/messages", dialect, out, tools=data.get("tools"),
                        trailing=dialect != D.TRL_MESSAGES)
    elif dialect == D.OPENAI_PREFERENCE:
        inp = data.get("input")
        if isinstance(inp, dict):
            msgs = inp.get("messages")
            _chat_semantics(msgs, "/input/messages", dialect, out, tools=inp.get("tools"), need_assistant=False)
            if isinstance(msgs, list) and msgs and _role(msgs[-1]) not in ("user", None):
                out.append(Problem("FT110", f"input ends with a {q(_role(msgs[-1]))} message; the preferred and "
                                            "non-preferred outputs answer the last user message",
                                   ptr("/input/messages", len(msgs) - 1, "role"), severity=WARNING))
        for key in ("preferred_output", "non_preferred_output"):
            outs = data.get(key)
            if isinstance(outs, list) and outs:
                _chat_semantics(outs, f"/{key}", dialect, out, tools=None, need_assistant=False)
                if not any(_role(m) == "assistant" for m in outs):
                    out.append(Problem("FT101", f"{key} holds no assistant message", f"/{key}"))
    elif dialect in (D.BEDROCK_CLAUDE, D.BEDROCK_CONVERSATION):
        msgs = data.get("messages")
        _alternation(msgs, "/messages", out, dialect, key="role", user="user", assistant="assistant", sev=ERROR,
                     first_user=True, alternate=True)
        if isinstance(msgs, list):
            for i, m in enumerate(msgs):
                c = m.get("content") if isinstance(m, dict) else None
                if isinstance(c, str) and (not c or c.isspace()):
                    out.append(Problem("FT105", f"message {i} has empty content", ptr("/messages", i, "content")))
                else:
                    _text_blocks(c, ptr("/messages", i, "content"), out, f"message {i} content")
        if dialect == D.BEDROCK_CONVERSATION:
            _text_blocks(data.get("system"), "/system", out, "system")
        elif isinstance(data.get("system"), str) and data["system"] and data["system"].isspace():
            out.append(Problem("FT105", "system is only whitespace", "/system", severity=WARNING))
    elif dialect == D.GEMINI:
        contents = data.get("contents")
        _alternation(contents, "/contents", out, dialect, key="role", user="user", assistant="model", sev=WARNING,
                     first_user=True, alternate=False)
        if isinstance(contents, list):
            for i, c in enumerate(contents):
                if isinstance(c, dict):
                    _text_blocks(c.get("parts"), ptr("/contents", i, "parts"), out, f"turn {i}")
        for key in ("systemInstruction", "system_instruction"):
            si = data.get(key)
            if isinstance(si, dict):
                _text_blocks(si.get("parts"), f"/{key}/parts", out, key)
        if "systemInstruction" in data and "system_instruction" in data:
            out.append(Problem("FT104", "both \"systemInstruction\" and \"system_instruction\": keep one",
                               "/system_instruction", "key"))
    elif dialect == D.SHAREGPT:
        conv = data.get("conversations")
        if isinstance(conv, list) and conv:
            froms = [_role(m, "from") for m in conv]
            if "gpt" not in froms and not _aliased_to_assistant(conv, dialect, "from"):
                out.append(Problem("FT101", f"no \"gpt\" turn among the {len(conv)} turn(s): there is nothing to "
                                            "train on", "/conversations"))
            for i, m in enumerate(conv):
                v = m.get("value") if isinstance(m, dict) else None
                if isinstance(v, str) and (not v or v.isspace()):
                    out.append(Problem("FT105", f"turn {i} ({q(froms[i])}) has an empty value",
                                       ptr("/conversations", i, "value"),
                                       severity=None if froms[i] == "gpt" and not v else WARNING))
    elif dialect == D.ALPACA:
        out_v = data.get("output")
        if isinstance(out_v, str) and (not out_v or out_v.isspace()):
            out.append(Problem("FT105", f"output is empty {q(out_v)}: there is nothing to train on", "/output"))
        ins, inp = data.get("instruction"), data.get("input", "")
        if isinstance(ins, str) and isinstance(inp, str) and not ins.strip() and not inp.strip():
            out.append(Problem("FT105", "instruction and input are both empty: the example has no prompt",
                               "/instruction"))
    elif dialect == D.PROMPT_COMPLETION:
        comp = data.get("completion")
        if isinstance(comp, str) and comp and comp.isspace():
            out.append(Problem("FT105", f"completion is only whitespace {q(comp)}", "/completion"))
        elif isinstance(comp, list) and comp and not any(_role(m) == "assistant" for m in comp):
            out.append(Problem("FT101", "completion holds no assistant message", "/completion"))
        if isinstance(data.get("prompt"), list) and isinstance(comp, str):
            out.append(Problem("FT103", "prompt is a list of messages but completion is a string: use the same "
                                        "kind for both", "/completion"))
    elif dialect == D.TRL_PREFERENCE:
        ch, rj = data.get("chosen"), data.get("rejected")
        if isinstance(ch, (str, list)) and isinstance(rj, (str, list)) and type(ch) is not type(rj):
            out.append(Problem("FT103", f"chosen is {kind(ch)} but rejected is {kind(rj)}: use the same kind",
                               "/rejected"))
    elif dialect == D.TRL_TEXT:
        t = data.get("text")
        if isinstance(t, str) and t and t.isspace():
            out.append(Problem("FT105", "text is only whitespace", "/text", severity=WARNING))
    return out


# -- the fast path -------------------------------------------------------------------------------------

_CHAT_ROLES = {D.OPENAI_CHAT: frozenset({"system", "developer", "user", "assistant"}),
               D.MISTRAL: frozenset({"system", "user", "assistant"}),
               D.TRL_MESSAGES: frozenset({"system", "developer", "user", "assistant"})}


def _fast_chat(data: dict, dialect: str) -> bool:
    # Written for speed: key counts instead of key-set comparisons (role and content are both
    # present when both are strings, so a count of 2 means no other key; 3 on an assistant, weight).
    trl = dialect == D.TRL_MESSAGES
    if not trl and len(data) != 1:
        return False
    msgs = data.get("messages")
    if msgs.__class__ is not list or not msgs:
        return False
    roles = _CHAT_ROLES[dialect]
    trainable = False
    for m in msgs:
        if m.__class__ is not dict:
            return False
        r = m.get("role")
        c = m.get("content")
        if r.__class__ is not str or c.__class__ is not str or not c or c.isspace():
            return False
        n = len(m)
        if r == "assistant":
            if n == 2:
                trainable = True
            elif n == 3 and not trl:
                w = m.get("weight")
                if w.__class__ is not int or not (w == 1 or w == 0):
                    return False
                if w:
                    trainable = True
            else:
                return False
        elif n != 2 or r not in roles:
            return False
    return trainable and msgs[-1]["role"] == "assistant"


_TOP_TOOLS = frozenset({"messages", "tools", "parallel_tool_calls"})
_FN_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_FN_DEF_KEYS = frozenset({"name", "description", "parameters", "strict"})


def _fast_tools(tools: Any) -> set[str] | None:
    """The declared function names, or None when ``tools`` is not certainly valid."""
    if tools.__class__ is not list:
        return None
    names = set()
    for t in tools:
        if t.__class__ is not dict or len(t) != 2 or t.get("type") != "function":
            return None
        fn = t.get("function")
        if fn.__class__ is not dict or not fn.keys() <= _FN_DEF_KEYS:
            return None
        name = fn.get("name")
        if name.__class__ is not str or not _FN_NAME.fullmatch(name):
            return None
        if fn.get("description", "").__class__ is not str or fn.get("parameters", {}).__class__ is not dict \
                or fn.get("strict", None) not in (None, True, False) or fn.get("strict", None).__class__ is int:
            return None
        names.add(name)
    return names


def _fast_openai_tools(data: dict) -> bool:
    """OpenAI chat with tools, tool calls and tool responses (the common valid tool-calling shapes)."""
    if not data.keys() <= _TOP_TOOLS:
        return False
    names = None
    if "tools" in data:
        names = _fast_tools(data["tools"])
        if names is None:
            return False
    if data.get("parallel_tool_calls", False).__class__ is not bool:
        return False
    msgs = data.get("messages")
    if msgs.__class__ is not list or not msgs:
        return False
    roles = _CHAT_ROLES[D.OPENAI_CHAT]
    pending: set[str] = set()
    seen: set[str] = set()
    trainable = False
    last = len(msgs) - 1
    for i, m in enumerate(msgs):
        if m.__class__ is not dict:
            return False
        r = m.get("role")
        c = m.get("content")
        n = len(m)
        if r == "tool":
            tcid = m.get("tool_call_id")
            if n != 3 or tcid.__class__ is not str or tcid not in pending or not _good_str(c):
                return False
            pending.discard(tcid)
            continue
        if pending:
            return False  # a call left without a response
        if r == "assistant":
            if "weight" in m:
                w = m["weight"]
                n -= 1
                if w.__class__ is not int or not (w == 1 or w == 0):
                    return False
            else:
                w = 1
            calls = m.get("tool_calls")
            if calls is None:
                if n != 2 or not _good_str(c):
                    return False
            else:
                n -= 1 + ("content" in m)
                if n != 1 or calls.__class__ is not list or not calls:
                    return False
                if not (c is None or c == "" or _good_str(c)):
                    return False
                for call in calls:
                    if call.__class__ is not dict or len(call) != 3 or call.get("type") != "function":
                        return False
                    cid = call.get("id")
                    fn = call.get("function")
                    if cid.__class__ is not str or cid in seen or fn.__class__ is not dict or len(fn) != 2:
                        return False
                    name = fn.get("name")
                    args = fn.get("arguments")
                    if name.__class__ is not str or not name or args.__class__ is not str:
                        return False
                    if names is not None and name not in names:
                        return False
                    try:
                        json.loads(args)
                    except ValueError:
                        return False
                    seen.add(cid)
                    pending.add(cid)
                if i == last:
                    pending.clear()  # a final call is the training target: no response needed
            if w:
                trainable = True
        elif r.__class__ is not str or r not in roles or n != 2 or not _good_str(c):
            return False
    return trainable and not pending and msgs[-1]["role"] == "assistant"


def _good_str(v: Any) -> bool:
    return v.__class__ is str and bool(v) and not v.isspace()


def _fast_prompt_completion(data: dict) -> bool:
    p = data.get("prompt")
    return p.__class__ is str and _good_str(data.get("completion"))


def _fast_alpaca(data: dict) -> bool:
    if "history" in data:
        return False
    ins = data.get("instruction")
    inp = data.get("input", "")
    sysv = data.get("system", "")
    return (ins.__class__ is str and inp.__class__ is str and sysv.__class__ is str and (_good_str(ins) or _good_str(inp))
            and _good_str(data.get("output")))


_SHAREGPT_FROM = frozenset({"system", "human", "gpt"})
_SHAREGPT_KEYS = frozenset({"from", "value"})


def _fast_sharegpt(data: dict) -> bool:
    conv = data.get("conversations")
    if conv.__class__ is not list or not conv or "system" in data or "tools" in data:
        return False
    gpt = False
    for m in conv:
        if m.__class__ is not dict or not m.keys() <= _SHAREGPT_KEYS:
            return False
        f = m.get("from")
        if f.__class__ is not str or f not in _SHAREGPT_FROM or not _good_str(m.get("value")):
            return False
        if f == "gpt":
            gpt = True
    return gpt


def _fast_trl_text(data: dict) -> bool:
    return _good_str(data.get("text"))


FAST = {D.OPENAI_CHAT: _fast_chat, D.MISTRAL: _fast_chat, D.TRL_MESSAGES: _fast_chat}
FAST_1 = {D.PROMPT_COMPLETION: _fast_prompt_completion, D.ALPACA: _fast_alpaca, D.SHAREGPT: _fast_sharegpt,
          D.TRL_TEXT: _fast_trl_text}


def fast_ok(data: Any, dialect: str) -> bool:
    """True when the record is certainly clean (the precise path would find nothing)."""
    if data.__class__ is not dict:
        return False
    f = FAST.get(dialect)
    if f is not None:
        return f(data, dialect) or (dialect == D.OPENAI_CHAT and _fast_openai_tools(data))
    f1 = FAST_1.get(dialect)
    return f1 is not None and f1(data)


# -- the analysis ----------------------------------------------------------------------------------------

def compatible(file_dialect: str, record_dialect: str) -> bool:
    return record_dialect == file_dialect or (record_dialect in MESSAGE_DIALECTS and file_dialect in MESSAGE_DIALECTS)


def _keys_shown(data: dict) -> str:
    keys = list(data)[:6]
    return "{" + ", ".join(json.dumps(k) for k in keys) + (", ..." if len(data) > 6 else "") + "}"


def analyze(data: Any, dialect: str | None) -> list[Problem]:
    """Every format problem of one record, for a file of ``dialect`` (None: undetected)."""
    if not isinstance(data, dict):
        return []  # FT008 reports it
    rec_dialect = D.detect_record(data)
    if dialect is None or dialect not in SCHEMAS:
        if rec_dialect is None:
            return [Problem("FT100", f"record matches no known fine-tuning format (keys {_keys_shown(data)}); "
                                     "expected e.g. {\"messages\": [...]} or {\"prompt\", \"completion\"}",
                            target="record")]
        dialect = rec_dialect
    elif rec_dialect is not None and not compatible(dialect, rec_dialect):
        return [Problem("FT108", f"record is in the {rec_dialect} format (keys {_keys_shown(data)}) but this file "
                                 f"is {dialect} (most records): a file must use one format", target="record")]
    if fast_ok(data, dialect):
        return []
    schema = SCHEMAS[dialect]
    if schema.get("additionalProperties") is False:
        # Extra top-level columns (an "id", a "source") are common: report them without the slow path
        # when the rest of the record is certainly clean.
        known = schema["properties"]
        rest = {k: v for k, v in data.items() if k in known}
        if len(rest) < len(data) and fast_ok(rest, dialect):
            return unknown_keys(data, schema)
    return schema_problems(data, dialect) + semantic_problems(data, dialect)


# The analysis of the record checked last: the FT1xx rules run one after another on each record, so
# one entry is enough. The analysis is a pure function of (record, dialect), hence a module global;
# the tuple is replaced whole, which keeps it consistent across threads.
_last: tuple = (None, None, ())


def problems(ex, ctx) -> list[Problem] | tuple:
    global _last
    rec, dialect, found = _last
    if rec is ex.record and dialect == ctx.dialect:
        return found
    found = analyze(ex.data, ctx.dialect) or ()
    _last = (ex.record, ctx.dialect, found)
    return found


def is_clean(ex, ctx) -> bool:
    """The shared analysis found nothing: the engine then skips every FT1xx rule for this record."""
    return not problems(ex, ctx)


class FormatRule(ExampleRule):
    """Base of the FT1xx rules: each keeps the problems of the shared analysis that carry its code."""

    clean_check = is_clean

    def check(self, ex, ctx):
        rec, dialect, found = _last  # inlined cache hit: this runs 12 times per record
        if rec is not ex.record or dialect != ctx.dialect:
            found = problems(ex, ctx)
        if not found:
            return ()
        code = self.code
        return [p.finding(ex) for p in found if p.code == code]
