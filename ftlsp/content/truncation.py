"""Signs that an output was cut off: unbalanced JSON, an unclosed fence, a sentence that stops mid-way."""

from __future__ import annotations

import re

import orjson

from ftlsp.jsonparse import bracket_scan

# Words a complete sentence does not end with (English, French, German, Spanish, Italian, Portuguese).
FUNCTION_WORDS = frozenset("""
a an the and or but nor of to in on at by for with from into than that which who whose whom as if because
while is are was were be been being has have had do does did will would can could should may might must
its their our your my his her this these those such very also not no
le la les un une des du de et ou mais que qui dont pour par sur dans avec en au aux ce cette ces est sont
der die das ein eine einen dem den des und oder aber mit von zu im für auf ist sind
el los las una unos y o pero con por para del al es son
il lo gli uno ed che per con del della
""".split())
_STRONG_END = tuple(",;:(-–—[{\"'“‘«")
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]]*(?:\s|$)")
COMPLETE_END = frozenset(".!?。！？…)]}\"'”’»>*_~")


def json_unbalanced(s: str) -> bool:
    """True when text that starts as JSON ends inside a string or with brackets still open."""
    try:
        orjson.loads(s)
        return False  # valid JSON: every string and bracket is closed
    except orjson.JSONDecodeError:
        pass
    depth, in_str, _, _ = bracket_scan(s)
    return in_str or depth > 0


def truncation_cue(text: str) -> bool:
    """False when ``truncation(text, n)`` is None for every ``n``, decided from the ends of the text:
    the common complete answer costs a few character tests."""
    last = text[-1:]
    if not last:
        return False
    if last.isspace():
        text = text.rstrip()
        if not text:
            return False
        last = text[-1]
    if text[0] in "{[":
        return json_unbalanced(text)
    return last not in COMPLETE_END or ("`" in text and "```" in text)


def truncation(text: str, min_words: int = 20) -> str | None:
    """Why ``text`` looks cut off, or None."""
    s = text.rstrip()
    if not s:
        return None
    if s[0] in "{[":
        if json_unbalanced(s):
            return "JSON ends before its closing brackets"
        return None
    if "```" in s and s.count("```") % 2 == 1:
        return "a ``` code fence is opened but never closed"
    last = s[-1]
    if last in COMPLETE_END:
        return None  # the common case: a sentence end or a closing bracket/quote
    last_line = s[s.rfind("\n") + 1:].strip()
    if last_line.startswith(("#", "|", "http", "-", "*", "•")) or "`" in last_line:
        return None  # headings, tables, links, list items and code end without punctuation
    n_words = s.count(" ") + s.count("\n") + 1  # approximate: only compared with small minimums
    if last in _STRONG_END and n_words >= 5 and not s.endswith(("--", "-->")):
        return f"it ends with {last!r}"
    if not last.isalpha():
        return None
    i = len(s)
    while i > 0 and s[i - 1].isalpha():
        i -= 1
    word = s[i:]
    if word.lower() in FUNCTION_WORDS and n_words >= 5:
        return f"it ends with the word {word!r}"
    if last.islower() and n_words >= min_words and len(s.split()) >= min_words:
        ends = len(_SENTENCE_END.findall(s))
        tail = s[max(s.rfind(". "), s.rfind("! "), s.rfind("? "), s.rfind("\n")) + 1:]
        if ends >= 2 and len(tail.split()) >= 6:
            return "it stops mid-sentence"
    return None
