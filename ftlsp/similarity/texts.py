"""What a duplicate or label rule compares, and how texts are normalised.

``compare`` values (a rule option):

- ``input``: the non-system turns before the final answer (user questions, earlier turns);
  ``prompt``/``instruction``+``input`` in legacy dialects.
- ``output``: the trained answer (the label, for classification data).
- ``example``: input + output. The default for duplicates: a shared system prompt is left
  out, so it cannot make every pair of examples look alike.
- ``prompt``: like input, with the system prompt.
- ``whole``: every text of the record.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from ftlsp import fields

COMPARE = ("input", "output", "example", "prompt", "whole")
SEP = "\n\x1f\n"  # between input and output in "example" texts: cannot come from a JSON string by accident

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"[\s_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Case, whitespace and punctuation folded away: "  Hello,  World! " -> "hello world"."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _PUNCT.sub("", t)
    return _SPACE.sub(" ", t).strip()


# English contractions spelt out, for word-level comparison only ("didn't" and "did not" are one
# wording). 's only after pronouns and question words: elsewhere it is usually a possessive.
_CONTRACTIONS = [
    (re.compile(r"\b(can)(?:'|’)?t\b|\bcannot\b", re.I), "can not"),
    (re.compile(r"\bwon(?:'|’)t\b", re.I), "will not"),
    (re.compile(r"\bshan(?:'|’)t\b", re.I), "shall not"),
    (re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n(?:'|’)?t\b", re.I),
     r"\1 not"),
    (re.compile(r"(?<=\w)(?:'|’)re\b", re.I), " are"),
    (re.compile(r"\bi(?:'|’)m\b", re.I), "i am"),
    (re.compile(r"(?<=\w)(?:'|’)ll\b", re.I), " will"),
    (re.compile(r"(?<=\w)(?:'|’)ve\b", re.I), " have"),
    (re.compile(r"(?<=\w)(?:'|’)d\b", re.I), " would"),
    (re.compile(r"\blet(?:'|’)s\b", re.I), "let us"),
    (re.compile(r"\b(it|that|what|there|here|he|she|who|where|how|when|why)(?:'|’)s\b", re.I), r"\1 is"),
]


def expand_contractions(text: str) -> str:
    """ "I don't know what's wrong" -> "I do not know what is wrong" (also "dont", "cannot")."""
    if "'" not in text and "’" not in text and "n" not in text:
        return text
    for pat, rep in _CONTRACTIONS:
        text = pat.sub(rep, text)
    return text


def label_key(text: str) -> str:
    """How labels are grouped: case and surrounding/inner whitespace folded ("Positive " == "positive")."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Parts:
    """The texts of one record as the similarity rules see them.

    Kept for every record of a file (and shared between rules and editor passes), so it holds
    no copies: ``input`` and ``output`` are the record's own strings when they are one turn each,
    ``prompt`` and ``whole`` are joined on demand from ``texts`` (the record's turn strings).
    """

    input: str
    output: str
    texts: tuple[str, ...]  # every turn's text, in order (the record's own strings)
    n_head: int  # texts[:n_head] are the prompt (system and input turns before the final answer)
    input_pointer: str  # first input turn: where input findings are underlined
    output_pointer: str  # the answer (label) string, "" when none
    single_output: bool  # the answer is one JSON string (so a fix can replace it)

    @property
    def prompt(self) -> str:
        return "\n".join(self.texts[:self.n_head])

    @property
    def whole(self) -> str:
        return "\n".join(self.texts)

    def get(self, compare: str) -> str:
        if compare == "example":
            return self.input + SEP + self.output if self.output else self.input
        return getattr(self, compare)

    def pointer(self, compare: str) -> str:
        if compare == "output":
            return self.output_pointer
        if compare in ("input", "prompt"):
            return self.input_pointer
        return ""


def parts(data: Any, dialect: str | None) -> Parts:
    ts = fields.turns(data, dialect)
    last = len(ts)
    while last > 0 and ts[last - 1].role == "assistant":
        last -= 1
    if last == len(ts) or last == 0:  # no final answer, or only one ({"text": ...}): all of it is input
        head, tail = ts, []
    else:
        head, tail = ts[:last], ts[last:]
    inputs = [t for t in head if t.role != "system"] or head
    trained = [t for t in tail if t.trained] or tail
    # "\n".join of one string is that string: single turns are not copied. Pointers repeat
    # from record to record ("/messages/1/content"): one shared string each.
    return Parts(
        input="\n".join([t.text for t in inputs]),
        output="\n".join([t.text for t in trained]),
        texts=tuple(t.text for t in ts),
        n_head=len(head),
        input_pointer=sys.intern(inputs[0].pointer) if inputs else "",
        output_pointer=sys.intern(trained[0].pointer) if trained else "",
        single_output=len(trained) == 1,
    )


def short(text: str, limit: int = 60) -> str:
    """A value quoted in a message: one line, at most ``limit`` characters."""
    t = text.replace(SEP, " / ").replace("\n", " ")
    if len(t) > limit:
        t = t[: limit - 1] + "…"
    return repr(t)


def label_vocabulary(outputs: list[str], max_labels: int = 100, max_chars: int = 60) -> "Counter[str] | None":
    """Counts of normalised labels when the outputs look like classification labels, else None.

    Classification-like: at least 4 non-empty outputs, 99% of them at most ``max_chars``
    long, between 2 and ``max_labels`` distinct labels, and at most one label per two examples.
    """
    from collections import Counter

    vals = [o for o in outputs if o.strip()]
    if len(vals) < 4 or len(vals) < 0.9 * len(outputs):
        return None
    too_long = sum(1 for o in vals if len(o) > max_chars)
    if too_long > 0.01 * len(vals):
        return None
    c = Counter(normalise(o) or label_key(o) for o in vals if len(o) <= max_chars)
    if not 2 <= len(c) <= max_labels or len(c) > len(vals) / 2:
        return None
    return c
