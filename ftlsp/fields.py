"""Where the text is in a record, per dialect.

Every rule that looks at text (tokens, duplicates, labels, contamination,
content) asks this module instead of walking dialect shapes itself:

- ``turns(data, dialect)``: each piece of text with its JSON pointer, its role
  normalised to system/user/assistant/tool, and whether it is trained on.
- ``side(data, dialect, "prompt" | "response" | "whole")``: one string per
  side, for comparing examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Literal

from ftlsp import dialects as D

Side = Literal["prompt", "response", "whole"]

# Roles as the dialects spell them -> normalised role.
ROLE_ALIASES = {
    "system": "system", "developer": "system", "user": "user", "human": "user", "assistant": "assistant",
    "model": "assistant", "gpt": "assistant", "bot": "assistant", "chatgpt": "assistant", "tool": "tool",
    "function": "tool", "ipython": "tool", "observation": "tool",
}


@dataclass(frozen=True, slots=True)
class Turn:
    pointer: str  # JSON pointer of the string value
    role: str  # system | user | assistant | tool | other
    text: str
    trained: bool  # the trainer learns from this text (assistant output with weight != 0)
    index: int  # message index in the conversation (-1 when not a message)


def _norm_role(role: Any) -> str:
    return ROLE_ALIASES.get(role, "other") if isinstance(role, str) else "other"


def _content_texts(content: Any, ptr: str) -> Iterator[tuple[str, str]]:
    """(pointer, text) of a content value: a string, or a list of parts with text."""
    if isinstance(content, str):
        yield ptr, content
    elif isinstance(content, list):
        for i, part in enumerate(content):
            if isinstance(part, str):
                yield f"{ptr}/{i}", part
            elif isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    yield f"{ptr}/{i}/text", part["text"]
                elif isinstance(part.get("content"), str):
                    yield f"{ptr}/{i}/content", part["content"]


def _messages(msgs: Any, base: str, role_key: str = "role", content_key: str = "content",
              last_only_trained: bool = False) -> Iterator[Turn]:
    if not isinstance(msgs, list):
        return
    for i, m in enumerate(msgs):
        if not isinstance(m, dict):
            continue
        role = _norm_role(m.get(role_key))
        trained = role == "assistant" and m.get("weight", 1) != 0
        for p, t in _content_texts(m.get(content_key), f"{base}/{i}/{content_key}"):
            yield Turn(p, role, t, trained, i)
        calls = m.get("tool_calls")
        if isinstance(calls, list):
            for j, c in enumerate(calls):
                fn = c.get("function") if isinstance(c, dict) else None
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    yield Turn(f"{base}/{i}/tool_calls/{j}/function/arguments", role, fn["arguments"], trained, i)
        fc = m.get("function_call")
        if isinstance(fc, dict) and isinstance(fc.get("arguments"), str):
            yield Turn(f"{base}/{i}/function_call/arguments", role, fc["arguments"], trained, i)


def turns(data: Any, dialect: str | None) -> list[Turn]:
    """Every text of a record with its role, in order. Unknown shapes give what can be found."""
    if not isinstance(data, dict):
        return []
    out: list[Turn] = []
    d = dialect or D.detect_record(data)
    if d in (D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES, D.BEDROCK_CLAUDE):
        if isinstance(data.get("system"), str):
            out.append(Turn("/system", "system", data["system"], False, -1))
        out.extend(_messages(data.get("messages"), "/messages"))
    elif d == D.BEDROCK_CONVERSATION:
        sysv = data.get("system")
        if isinstance(sysv, list):
            for i, part in enumerate(sysv):
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    out.append(Turn(f"/system/{i}/text", "system", part["text"], False, -1))
        out.extend(_messages(data.get("messages"), "/messages"))
    elif d == D.GEMINI:
        si = data.get("systemInstruction") or data.get("system_instruction")
        key = "systemInstruction" if "systemInstruction" in data else "system_instruction"
        if isinstance(si, dict):
            for p, t in _content_texts(si.get("parts"), f"/{key}/parts"):
                out.append(Turn(p, "system", t, False, -1))
        out.extend(_messages(data.get("contents"), "/contents", content_key="parts"))
    elif d == D.OPENAI_PREFERENCE:
        inp = data.get("input")
        if isinstance(inp, dict):
            out.extend(_messages(inp.get("messages"), "/input/messages"))
        for key in ("preferred_output", "non_preferred_output"):
            for t in _messages(data.get(key), f"/{key}"):
                out.append(Turn(t.pointer, t.role, t.text, key == "preferred_output" and t.role == "assistant", t.index))
    elif d == D.TRL_PREFERENCE:
        out.extend(_prompt_like(data.get("prompt"), "/prompt", "user", False))
        out.extend(_prompt_like(data.get("chosen"), "/chosen", "assistant", True))
        out.extend(_prompt_like(data.get("rejected"), "/rejected", "assistant", False))
    elif d == D.PROMPT_COMPLETION:
        out.extend(_prompt_like(data.get("prompt"), "/prompt", "user", False))
        out.extend(_prompt_like(data.get("completion"), "/completion", "assistant", True))
    elif d == D.ALPACA:
        if isinstance(data.get("system"), str):
            out.append(Turn("/system", "system", data["system"], False, -1))
        for key in ("instruction", "input"):
            if isinstance(data.get(key), str):
                out.append(Turn(f"/{key}", "user", data[key], False, -1))
        if isinstance(data.get("output"), str):
            out.append(Turn("/output", "assistant", data["output"], True, -1))
    elif d == D.SHAREGPT:
        if isinstance(data.get("system"), str):
            out.append(Turn("/system", "system", data["system"], False, -1))
        out.extend(_messages(data.get("conversations"), "/conversations", role_key="from", content_key="value"))
    elif d == D.TRL_TEXT:
        if isinstance(data.get("text"), str):
            out.append(Turn("/text", "assistant", data["text"], True, -1))
    return out


def _prompt_like(v: Any, ptr: str, role: str, trained: bool) -> Iterator[Turn]:
    """A prompt/completion value: a string, or (TRL conversational) a list of messages."""
    if isinstance(v, str):
        yield Turn(ptr, role, v, trained, -1)
    elif isinstance(v, list):
        for t in _messages(v, ptr):
            yield Turn(t.pointer, t.role, t.text, trained and t.role == "assistant", t.index)


def side(data: Any, dialect: str | None, which: Side = "prompt") -> str:
    """The text of one side of an example, for comparison.

    prompt: system + user (+ tool) turns; response: the trained assistant output(s)
    (for preference data, the preferred one); whole: everything.
    """
    ts = turns(data, dialect)
    if which == "whole":
        return "\n".join(t.text for t in ts)
    last = _last_response_start(ts)
    if which == "prompt":
        return "\n".join(t.text for t in (ts[:last] if last is not None else ts))
    if last is None:
        return ""
    tail = ts[last:]
    trained = [t for t in tail if t.trained]
    return "\n".join(t.text for t in (trained or tail))


def _last_response_start(ts: list[Turn]) -> int | None:
    """Index of the first turn of the final run of assistant turns."""
    i = len(ts)
    while i > 0 and ts[i - 1].role == "assistant":
        i -= 1
    if i == len(ts):
        return None
    return i


def user_text(data: Any, dialect: str | None) -> str:
    """Only the user turns: what an eval question would match against."""
    return "\n".join(t.text for t in turns(data, dialect) if t.role == "user")
