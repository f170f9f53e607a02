"""Differences that make two similar texts say different things (FT305's contrast checks).

A rewording keeps the meaning, so it keeps negations, numbers and formulas. Sentence
embeddings barely see them: "Which of the following statements is not true?" and "... is
correct?" have cosine 0.9+, as do questions that differ only in a year or a formula.

- ``negations``: negation words in a text spelt out by ``wording`` (contractions expanded).
- ``literals``: tokens with digits or symbols (numbers, formulas, codes), case-folded.
- ``contrast``: why two texts are not rewordings of each other, or "".

Not checked: antonym swaps ("supply curve shifts to the left" / "demand curve shifts to the
right"). Without word lists, the file itself is the only evidence, and it does not separate
them from synonyms (measured on the injection test's files): swapped antonyms are frequent words
("supply"/"demand": 16/17 of 2,200 MMLU questions), but so are injected synonyms ("wrong"/
"incorrect": 45-51/12-22); antonyms are used together in other texts ("supply"/"demand" in 4),
but so are synonyms ("money"/"funds" in up to 7 banking77 questions).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Negation words, counted in normalised text with contractions spelt out ("didn't" -> "did not",
# "cannot" -> "can not"). "nor" is not counted: it continues a "neither" or "not" ("neither A nor B"
# is one negation, like "not A or B").
NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "without"})



def negations(words: str) -> int:
    """Negation words in ``words`` (a text normalised and with contractions spelt out)."""
    return sum(1 for w in words.split() if w in NEGATIONS)


def _literal(token: str) -> bool:
    return any(ch.isdigit() or unicodedata.category(ch)[0] == "S" for ch in token)


def _strip_punct(tok: str) -> str:
    """Sentence punctuation around a token left out: "3Z." -> "3z", "(1950)," -> "1950"."""
    i, j = 0, len(tok)
    while i < j and unicodedata.category(tok[i])[0] == "P":
        i += 1
    while j > i and unicodedata.category(tok[j - 1])[0] == "P":
        j -= 1
    return tok[i:j]


def literals(text: str) -> Counter:
    """Tokens holding a digit or a symbol (numbers, formulas, codes): "In 1950, Z_3 x 3Z" ->
    {"1950", "z_3", "3z"}. Symbols are Unicode category S (math, currency, ∀, ⊃, ∼, +, =, <)."""
    out: Counter = Counter()
    for tok in unicodedata.normalize("NFKC", text).casefold().split():
        if _literal(tok):
            out[_strip_punct(tok) or tok] += 1
    return out


def contrast(a: str, b: str, words_a: str, words_b: str) -> str:
    """Why ``a`` and ``b`` say different things ("" if no reason found): a negation one has and
    the other lacks, or other numbers/formulas. ``words_*`` are the texts as ``wording`` returns them."""
    na, nb = negations(words_a), negations(words_b)
    if na != nb:
        return "negation"
    if literals(a) != literals(b):
        return "numbers"
    return ""
