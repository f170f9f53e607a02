from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class ToolCallMismatch(FormatRule):
    """Tool calls and tool responses that do not pair up.

    What: a ``tool`` message whose ``tool_call_id`` answers no earlier call (or
    answers one twice); an assistant tool call with no tool response before the
    conversation goes on (a final assistant turn that makes calls is a valid
    target and needs none); duplicate call ids; ``tool_calls`` on a non-assistant
    message. Warnings: a call of a function not among the record's ``tools``, and
    ``arguments`` that are not valid JSON.

    Why: OpenAI rejects conversations whose tool messages do not answer a
    preceding call; calls of undeclared tools or with broken JSON arguments teach
    the model to make calls that fail.

    Bad:
        {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "18C"}, {"role": "assistant", "content": "18C and sunny."}]}

    Good:
        {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "18C"}, {"role": "assistant", "content": "18C and sunny."}]}
    """

    code = "FT106"
    name = "tool-call-mismatch"
    summary = "Tool calls and tool responses do not pair up"
    default_severity = Severity.ERROR
