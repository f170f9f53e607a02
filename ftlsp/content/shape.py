"""The shape of an output: what a format-consistent dataset keeps constant.

``classify(text)`` gives a coarse kind (json-object, json-array, fenced, list,
label, prose, empty) and, for JSON objects, the key set; for fences, the
language tag. Format-outlier detection compares records on these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+\S")
_FENCE = re.compile(r"^```([\w+-]*)[ \t]*\n(.*?)\n?```\s*$", re.S)

KIND_LABELS = {
    "json-object": "a JSON object", "json-array": "a JSON array", "fenced": "a markdown code fence",
    "list": "a bulleted or numbered list", "label": "a short label", "prose": "prose", "empty": "empty",
}


@dataclass(frozen=True, slots=True)
class Shape:
    kind: str
    keys: tuple[str, ...] | None = None  # json-object: sorted keys
    tag: str = ""  # fenced: language tag; fenced JSON: "json" + inner kind

    def describe(self) -> str:
        if self.kind == "json-object" and self.keys is not None:
            return f"a JSON object with keys {_keys(self.keys)}"
        if self.kind == "fenced":
            return f"a ```{self.tag} code fence" if self.tag else KIND_LABELS["fenced"]
        return KIND_LABELS.get(self.kind, self.kind)


def _keys(keys: tuple[str, ...]) -> str:
    shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
    return "{" + shown + "}"


# Shapes are immutable: one instance per kind (and per key set or tag) serves every record.
_KIND = {k: Shape(k) for k in KIND_LABELS}
PROSE = _KIND["prose"]
_VARIANTS: dict[tuple[str, object], Shape] = {}


def _variant(kind: str, keys: tuple[str, ...] | None = None, tag: str = "") -> Shape:
    key = (kind, keys if kind == "json-object" else tag)
    shape = _VARIANTS.get(key)
    if shape is None:
        if len(_VARIANTS) > 10_000:
            _VARIANTS.clear()
        shape = _VARIANTS[key] = Shape(kind, keys, tag)
    return shape


def classify(text: str, label_max_words: int = 3, label_max_chars: int = 40) -> Shape:
    s = text.strip() if text[:1].isspace() or text[-1:].isspace() else text
    if not s:
        return _KIND["empty"]
    c = s[0]
    if c in "{[":
        try:
            v = orjson.loads(s)
        except orjson.JSONDecodeError:
            v = None
        if isinstance(v, dict):
            return _variant("json-object", tuple(sorted(v)))
        if isinstance(v, list):
            return _KIND["json-array"]
    if c == "`" and s.startswith("```"):
        m = _FENCE.match(s)
        return _variant("fenced", tag=(m.group(1) if m else s[3:].split("\n", 1)[0].strip()).lower())
    if len(s) <= label_max_chars and "\n" not in s:
        if len(s.split()) <= label_max_words and s[-1] not in ".!?":
            return _KIND["label"]
        return _KIND["prose"]
    if "\n" in s:
        lines = [ln for ln in s.split("\n") if ln.strip()]
        if len(lines) >= 2 and sum(1 for ln in lines if _BULLET.match(ln)) >= 0.8 * len(lines):
            return _KIND["list"]
    return _KIND["prose"]
