from __future__ import annotations

from typing import Any

import orjson

from ftlsp import dialects as D
from ftlsp.content import schema as S
from ftlsp.content.record import content_clean, short
from ftlsp.rule import ExampleRule, Finding, Severity


class ToolArgumentsInvalid(ExampleRule):
    """A tool call's arguments do not validate against the declared tool's ``parameters`` schema.

    What: in OpenAI and Mistral chat data, each assistant ``tool_calls[].function``
    (and legacy ``function_call``) is matched by name to the record's ``tools``
    (or legacy ``functions``) and its ``arguments`` (a JSON string, or an
    object) are validated against that tool's ``parameters`` JSON Schema: a
    missing required argument, a wrong type, a value outside an ``enum``. The
    diagnostic underlines the failing argument inside the string. Calls of
    undeclared tools and arguments that are not JSON are FT106's.

    Why: the model learns to call tools exactly as the examples do; a call the
    real tool would reject teaches calls that fail in production.

    Bad:
        {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]}}}], "messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"unit\\": \\"kelvin\\"}"}}]}]}

    Good:
        {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]}}}], "messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Paris\\", \\"unit\\": \\"c\\"}"}}]}]}
    """

    code = "FT702"
    name = "tool-arguments-invalid"
    summary = "Tool-call arguments do not validate against the declared tool's parameters schema"
    default_severity = Severity.ERROR
    dialects = frozenset({D.OPENAI_CHAT, D.MISTRAL})
    clean_check = content_clean  # the content rules' shared gate: records without tools are skipped

    def check(self, ex, ctx):
        data = ex.data
        tools, functions = data.get("tools"), data.get("functions")
        if not tools and not functions:
            return
        params: dict[str, Any] = {}
        for tool in tools if isinstance(tools, list) else ():
            fn = tool.get("function") if isinstance(tool, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("name"), str) and "parameters" in fn:
                params.setdefault(fn["name"], fn["parameters"])
        for fn in functions if isinstance(functions, list) else ():
            if isinstance(fn, dict) and isinstance(fn.get("name"), str) and "parameters" in fn:
                params.setdefault(fn["name"], fn["parameters"])
        if not params:
            return
        msgs = data.get("messages")
        for i, m in enumerate(msgs if isinstance(msgs, list) else ()):
            if not isinstance(m, dict):
                continue
            calls = m.get("tool_calls")
            for j, c in enumerate(calls if isinstance(calls, list) else ()):
                fn = c.get("function") if isinstance(c, dict) else None
                if isinstance(fn, dict):
                    yield from self._call(ex, fn, f"/messages/{i}/tool_calls/{j}/function", params)
            fc = m.get("function_call")
            if isinstance(fc, dict):
                yield from self._call(ex, fc, f"/messages/{i}/function_call", params)

    def _call(self, ex, fn: dict, base: str, params: dict[str, Any]):
        name = fn.get("name")
        if not isinstance(name, str) or name not in params:
            return  # undeclared tool: FT106
        validator = S.inline_validator(params[name])
        if validator is None:
            return
        args = fn.get("arguments")
        ptr = f"{base}/arguments"
        if isinstance(args, str):
            try:
                inst = orjson.loads(args) if args.strip() else {}
            except orjson.JSONDecodeError:
                return  # not JSON: FT106
        elif isinstance(args, dict):
            inst = args
        else:
            return
        for err in S.errors(validator, inst):
            where = f"argument {err.pointer}" if err.pointer else "arguments"
            msg = f"tool call {name!r} {where}: {short(err.message, 90)} ({err.keyword})"
            data = {"tool": name, "field": err.pointer, "keyword": err.keyword}
            if isinstance(args, str):
                rng = S.locate(args, err.pointer)
                if rng is not None:
                    try:
                        a, b = ex.substring_range(ptr, rng[0], rng[1])
                        yield Finding(msg, ptr, offset=a, end_offset=b, data=data)
                        continue
                    except KeyError:
                        pass
                yield Finding(msg, ptr, data=data)
            else:
                yield Finding(msg, ptr + err.pointer, data=data)
