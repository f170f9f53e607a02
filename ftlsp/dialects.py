"""Dialects of fine-tuning data and how to tell them apart.

Detection looks at the top-level keys of each record; the file's dialect is
the most common one among its records. ``dialect = "..."`` in config (or
``--dialect``) overrides it, which is the only way to pick dialects that share
a shape (Mistral and TRL conversational data look like OpenAI chat).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.document import Document

OPENAI_CHAT = "openai-chat"
OPENAI_PREFERENCE = "openai-preference"
PROMPT_COMPLETION = "prompt-completion"
GEMINI = "gemini"
BEDROCK_CLAUDE = "bedrock-claude"
BEDROCK_CONVERSATION = "bedrock-conversation"
MISTRAL = "mistral"
TRL_TEXT = "trl-text"
TRL_PREFERENCE = "trl-preference"
TRL_MESSAGES = "trl-messages"
ALPACA = "alpaca"
SHAREGPT = "sharegpt"

DIALECTS: dict[str, str] = {
    OPENAI_CHAT: "OpenAI chat fine-tuning: {\"messages\": [...], \"tools\"?, \"parallel_tool_calls\"?}",
    OPENAI_PREFERENCE: "OpenAI preference (DPO): {\"input\": {...}, \"preferred_output\": [...], \"non_preferred_output\": [...]}",
    PROMPT_COMPLETION: "prompt/completion (OpenAI legacy, TRL): {\"prompt\": ..., \"completion\": ...}",
    GEMINI: "Vertex AI Gemini: {\"contents\": [{\"role\": \"user\"|\"model\", \"parts\": [...]}], \"systemInstruction\"?}",
    BEDROCK_CLAUDE: "Amazon Bedrock Claude: {\"system\"?: \"...\", \"messages\": [user, assistant, ...]}",
    BEDROCK_CONVERSATION: "Amazon Bedrock conversation: {\"schemaVersion\": \"bedrock-conversation-2024\", \"system\", \"messages\"}",
    MISTRAL: "Mistral fine-tuning: {\"messages\": [...]} (select with dialect = \"mistral\")",
    TRL_TEXT: "TRL language modelling: {\"text\": \"...\"}",
    TRL_PREFERENCE: "TRL preference: {\"prompt\", \"chosen\", \"rejected\"}",
    TRL_MESSAGES: "TRL conversational: {\"messages\": [...]} (select with dialect = \"trl-messages\")",
    ALPACA: "Alpaca: {\"instruction\", \"input\"?, \"output\"}",
    SHAREGPT: "ShareGPT: {\"conversations\": [{\"from\": \"human\"|\"gpt\", \"value\": \"...\"}]}",
}


def detect_record(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if data.get("schemaVersion") == "bedrock-conversation-2024":
        return BEDROCK_CONVERSATION
    if "messages" in data:
        if "system" in data and isinstance(data.get("system"), str):
            return BEDROCK_CLAUDE
        return OPENAI_CHAT
    if "preferred_output" in data or "non_preferred_output" in data:
        return OPENAI_PREFERENCE
    if "chosen" in data or "rejected" in data:
        return TRL_PREFERENCE
    if "contents" in data or "systemInstruction" in data or "system_instruction" in data:
        return GEMINI
    if "conversations" in data:
        return SHAREGPT
    if "instruction" in data and ("output" in data or "input" in data):
        return ALPACA
    if "prompt" in data or "completion" in data:
        return PROMPT_COMPLETION
    if "text" in data and len(data) <= 2:
        return TRL_TEXT
    return None


def detect_file(doc: "Document", sample: int = 2000) -> str | None:
    """The most common dialect among the file's records (the first ``sample`` ones)."""
    counts: Counter[str] = Counter()
    for rec in doc.records[:sample]:
        if rec.error is None:
            d = detect_record(rec.data)
            if d:
                counts[d] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]
