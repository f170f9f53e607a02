"""JSON Schemas (draft 2020-12) of one record in each dialect.

They describe structure: keys, types, role vocabularies. What a schema cannot
express (tool-call pairing, weight only on assistant turns, turn order, "at
least one trainable assistant turn") lives in ``ftlsp.formats``.

Two extension keywords (ignored by JSON Schema validators) steer reporting:
``x-unknown-keys``: severity of keys not in ``properties`` ("error" when the
provider rejects them, "warning" when they are ignored); objects without
``additionalProperties: false`` accept any key silently.
"""

from __future__ import annotations

from typing import Any

from ftlsp import dialects as D

DRAFT = "https://json-schema.org/draft/2020-12/schema"

OPENAI_ROLES = ["system", "developer", "user", "assistant", "tool", "function"]


def _closed(props: dict, required: list[str] | None = None, unknown: str = "error", **extra: Any) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False,
                           "x-unknown-keys": unknown}
    if required:
        out["required"] = required
    out.update(extra)
    return out


def _open(props: dict, required: list[str] | None = None, **extra: Any) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    out.update(extra)
    return out


STR = {"type": "string"}

# -- OpenAI --------------------------------------------------------------------------------------

_FUNCTION_CALL = _closed({"name": {"type": "string", "minLength": 1}, "arguments": STR}, ["name", "arguments"])
_TOOL_CALL = _closed({"id": STR, "type": {"const": "function"}, "function": _FUNCTION_CALL},
                     ["id", "type", "function"])
_FUNCTION_DEF = _closed({"name": {"type": "string", "pattern": "^[a-zA-Z0-9_-]{1,64}$"}, "description": STR,
                         "parameters": {"type": "object"}, "strict": {"type": ["boolean", "null"]}}, ["name"])
_TOOL_DEF = _closed({"type": {"const": "function"}, "function": _FUNCTION_DEF}, ["type", "function"])
_OPENAI_PART = _closed(
    {"type": {"enum": ["text", "image_url"]}, "text": STR,
     "image_url": _closed({"url": {"type": "string", "minLength": 1}, "detail": {"enum": ["auto", "low", "high"]}},
                          ["url"])},
    ["type"],
    allOf=[{"if": {"properties": {"type": {"const": "text"}}, "required": ["type"]}, "then": {"required": ["text"]}},
           {"if": {"properties": {"type": {"const": "image_url"}}, "required": ["type"]},
            "then": {"required": ["image_url"]}}])
_OPENAI_MESSAGE = _closed(
    {"role": {"enum": OPENAI_ROLES},
     "content": {"type": ["string", "array", "null"], "items": _OPENAI_PART},
     "name": STR, "weight": {}, "tool_calls": {"type": "array", "minItems": 1, "items": _TOOL_CALL},
     "tool_call_id": STR, "function_call": _FUNCTION_CALL},
    ["role"])
_OPENAI_MESSAGES = {"type": "array", "minItems": 1, "items": _OPENAI_MESSAGE}

OPENAI_CHAT = _closed(
    {"messages": _OPENAI_MESSAGES, "tools": {"type": "array", "items": _TOOL_DEF},
     "parallel_tool_calls": {"type": "boolean"}, "functions": {"type": "array", "items": _FUNCTION_DEF}},
    ["messages"], unknown="warning")

_PREF_OUTPUT = {"type": "array", "minItems": 1, "maxItems": 1, "items": _OPENAI_MESSAGE}
OPENAI_PREFERENCE = _closed(
    {"input": _closed({"messages": _OPENAI_MESSAGES, "tools": {"type": "array", "items": _TOOL_DEF},
                       "parallel_tool_calls": {"type": "boolean"}}, ["messages"], unknown="warning"),
     "preferred_output": _PREF_OUTPUT, "non_preferred_output": _PREF_OUTPUT},
    ["input", "preferred_output", "non_preferred_output"], unknown="warning")

# -- Mistral -------------------------------------------------------------------------------------

_MISTRAL_MESSAGE = _closed(
    {"role": {"enum": ["system", "user", "assistant", "tool"]}, "content": {"type": ["string", "null"]},
     "weight": {}, "tool_calls": {"type": "array", "minItems": 1, "items": _TOOL_CALL}, "tool_call_id": STR},
    ["role"])
MISTRAL = _closed({"messages": {"type": "array", "minItems": 1, "items": _MISTRAL_MESSAGE},
                   "tools": {"type": "array", "items": _TOOL_DEF}}, ["messages"], unknown="warning")

# -- TRL -----------------------------------------------------------------------------------------

_TRL_MESSAGE = _closed(
    {"role": {"enum": ["system", "developer", "user", "assistant", "tool"]},
     "content": {"type": ["string", "array", "null"]}, "tool_calls": {"type": "array"}, "name": STR,
     "tool_call_id": STR},
    ["role", "content"], unknown="warning")
_TRL_CONVERSATION = {"type": "array", "minItems": 1, "items": _TRL_MESSAGE}
_TEXT_OR_CONV = {"type": ["string", "array"], "minLength": 1, "minItems": 1, "items": _TRL_MESSAGE}
TRL_MESSAGES = _open({"messages": _TRL_CONVERSATION, "tools": {"type": "array"}}, ["messages"])
TRL_TEXT = _open({"text": {"type": "string", "minLength": 1}}, ["text"])
TRL_PREFERENCE = _open({"prompt": _TEXT_OR_CONV, "chosen": _TEXT_OR_CONV, "rejected": _TEXT_OR_CONV},
                       ["chosen", "rejected"])
PROMPT_COMPLETION = _open({"prompt": {"type": ["string", "array"], "items": _TRL_MESSAGE},
                           "completion": _TEXT_OR_CONV}, ["prompt", "completion"])

# -- Vertex AI Gemini ----------------------------------------------------------------------------

_GEMINI_PART = _closed(
    {"text": STR,
     "inlineData": _closed({"mimeType": STR, "data": STR}, ["mimeType", "data"]),
     "fileData": _closed({"mimeType": STR, "fileUri": STR}, ["mimeType", "fileUri"]),
     "functionCall": _closed({"name": STR, "args": {"type": "object"}}, ["name"]),
     "functionResponse": _closed({"name": STR, "response": {"type": "object"}}, ["name", "response"]),
     "thought": {"type": "boolean"}, "thoughtSignature": STR},
    minProperties=1)
_GEMINI_CONTENT = _closed({"role": {"enum": ["user", "model", "function"]},
                           "parts": {"type": "array", "minItems": 1, "items": _GEMINI_PART}}, ["role", "parts"])
_GEMINI_SYSTEM = _closed({"role": STR, "parts": {"type": "array", "minItems": 1, "items": _GEMINI_PART}}, ["parts"])
GEMINI = _closed(
    {"contents": {"type": "array", "minItems": 1, "items": _GEMINI_CONTENT},
     "systemInstruction": _GEMINI_SYSTEM, "system_instruction": _GEMINI_SYSTEM,
     "tools": {"type": "array"}, "toolConfig": {"type": "object"}, "generationConfig": {"type": "object"}},
    ["contents"], unknown="warning")

# -- Amazon Bedrock ------------------------------------------------------------------------------

_CLAUDE_BLOCK = _closed({"type": {"const": "text"}, "text": STR}, ["type", "text"])
BEDROCK_CLAUDE = _closed(
    {"system": STR,
     "messages": {"type": "array", "minItems": 1, "items": _closed(
         {"role": {"enum": ["user", "assistant"]},
          "content": {"type": ["string", "array"], "items": _CLAUDE_BLOCK}}, ["role", "content"])}},
    ["messages"])

_NOVA_BLOCK = _closed(
    {"text": STR,
     "image": _closed({"format": {"enum": ["jpeg", "png", "gif", "webp"]}, "source": {"type": "object"}},
                      ["format", "source"]),
     "video": _closed({"format": STR, "source": {"type": "object"}}, ["format", "source"]),
     "reasoningContent": {"type": "object"}, "toolUse": {"type": "object"}, "toolResult": {"type": "object"}},
    minProperties=1)
BEDROCK_CONVERSATION = _closed(
    {"schemaVersion": {"const": "bedrock-conversation-2024"},
     "system": {"type": "array", "items": _closed({"text": STR}, ["text"])},
     "messages": {"type": "array", "minItems": 1, "items": _closed(
         {"role": {"enum": ["user", "assistant"]},
          "content": {"type": "array", "minItems": 1, "items": _NOVA_BLOCK}}, ["role", "content"])},
     "toolConfig": {"type": "object"}},
    ["schemaVersion", "messages"])

# -- Alpaca, ShareGPT ----------------------------------------------------------------------------

ALPACA = _open({"instruction": STR, "input": STR, "output": STR, "system": STR,
                "history": {"type": "array", "items": {"type": "array", "items": STR}}},
               ["instruction", "output"])

SHAREGPT_ROLES = ["system", "human", "gpt", "function_call", "observation", "tool"]
SHAREGPT = _open(
    {"conversations": {"type": "array", "minItems": 1, "items": _closed(
        {"from": {"enum": SHAREGPT_ROLES}, "value": STR, "weight": {"enum": [0, 1]}}, ["from", "value"],
        unknown="warning")},
     "system": STR, "tools": {"type": ["string", "array"]}},
    ["conversations"])

SCHEMAS: dict[str, dict] = {
    D.OPENAI_CHAT: OPENAI_CHAT, D.OPENAI_PREFERENCE: OPENAI_PREFERENCE, D.PROMPT_COMPLETION: PROMPT_COMPLETION,
    D.GEMINI: GEMINI, D.BEDROCK_CLAUDE: BEDROCK_CLAUDE, D.BEDROCK_CONVERSATION: BEDROCK_CONVERSATION,
    D.MISTRAL: MISTRAL, D.TRL_TEXT: TRL_TEXT, D.TRL_PREFERENCE: TRL_PREFERENCE, D.TRL_MESSAGES: TRL_MESSAGES,
    D.ALPACA: ALPACA, D.SHAREGPT: SHAREGPT,
}
for _name, _s in SCHEMAS.items():
    _s["$schema"] = DRAFT
    _s["$id"] = f"https://ftlsp.invalid/schemas/{_name}.json"
    _s["title"] = D.DIALECTS[_name]

_validators: dict[str, Any] = {}


def validator(dialect: str):
    """A compiled jsonschema validator for the dialect (built once)."""
    v = _validators.get(dialect)
    if v is None:
        from jsonschema import Draft202012Validator

        Draft202012Validator.check_schema(SCHEMAS[dialect])
        v = _validators[dialect] = Draft202012Validator(SCHEMAS[dialect])
    return v
