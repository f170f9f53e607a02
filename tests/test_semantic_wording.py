"""FT305's lexical evidence: contractions spelt out, reworded phrases counted (no embeddings needed)."""

import json
from collections import Counter

import pytest

from ftlsp.rules.ft305_semantic_duplicate import word_edits, wording
from ftlsp.similarity.contrast import contrast, literals, negations
from ftlsp.similarity.texts import expand_contractions


@pytest.mark.parametrize("text,want", [
    ("I don't know what's wrong", "I do not know what is wrong"),
    ("i dont recognise it", "i do not recognise it"),
    ("I can't; I cannot", "I can not; I can not"),
    ("Won't it? isn’t it?", "will not it? is not it?"),
    ("I'm sure you'll see they've gone", "i am sure you will see they have gone"),
    ("my card's PIN", "my card's PIN"),  # possessive 's stays
    ("nothing to expand", "nothing to expand"),
])
def test_expand_contractions(text, want):
    assert expand_contractions(text) == want


@pytest.mark.parametrize("a,b,phrases,longest", [
    ("I want to cancel my card", "I would like to cancel my card", 1, 2),
    ("I didn't get my money", "I did not get my funds", 1, 1),  # the contraction is no edit
    ("Can I see where my funds come from?", "Am I able to see in which place my funds come from?", 2, 4),
    ("How do I add a new card?", "How can I add a new card?", 1, 1),
    ("My card was stolen", "My card was stolen last night", 1, 2),
    ("same words", "same words", 0, 0),
])
def test_word_edits_counts_reworded_phrases(a, b, phrases, longest):
    n, long_, kept = word_edits(wording(a), wording(b))
    assert (n, long_) == (phrases, longest)
    assert 0.0 < kept <= 1.0


def test_word_edits_kept_share():
    # 4 of 6 words unchanged
    assert word_edits("a b c d e f", "a b x d e y")[2] == pytest.approx(4 / 6)


@pytest.mark.parametrize("a,b,why", [
    # negation one side has and the other lacks (after contractions are spelt out)
    ("Which of the following statements is not true?", "Which of the following statements is correct?", "negation"),
    ("I didn't get my card", "I got my card", "negation"),
    ("Why can't I top up?", "Why can I top up?", "negation"),
    ("Is there nothing left in my account?", "Is there money left in my account?", "negation"),
    ("Can I pay without a card?", "Can I pay with a card?", "negation"),
    ("He never pays on time", "He always pays on time", "negation"),
    # same negation, other words: a rewording
    ("I didn't get my card", "I did not receive my card", ""),
    ("I can't log in", "I cannot sign in", ""),
    ("I have no card", "I do not have a card", ""),
    ("Neither A nor B is true", "Not A or B is true", ""),  # "nor" continues the negation
    # numbers, formulas, codes must match
    ("What was GDP per capita in 1950?", "What was GDP per capita in 1850?", "numbers"),
    ("Find the characteristic of the ring Z_3 x 3Z.", "Find the characteristic of the ring Z_3 x Z_3.", "numbers"),
    ("Find the degree of Q(sqrt(2), sqrt(3), sqrt(18)) over Q.", "Find the degree of Q(sqrt(2), sqrt(3)) over Q.",
     "numbers"),
    ("(∀x)[Ax ⊃ (∃y)(Hy • Bxy)]", "(∃x)[Hx • (∀y)(Ay ⊃ Bxy)]", "numbers"),
    ("Is 2 + 2 = 4?", "Is 2 - 2 = 4?", "numbers"),
    ("How much is $5 in euros?", "How much is €5 in euros?", "numbers"),
    # punctuation and case around a number are no difference
    ("In 1950, what was GDP?", "what was GDP in 1950?", ""),
    ("Cost (in 2011 prices)", "COST IN 2011 PRICES", ""),
    ("I want to cancel my card", "I would like to cancel my card", ""),
])
def test_contrast(a, b, why):
    assert contrast(a, b, wording(a), wording(b)) == why
    assert contrast(b, a, wording(b), wording(a)) == why


@pytest.mark.parametrize("text,n", [
    ("i do not know", 1), ("no not never", 3), ("nobody nothing none nowhere without", 5),
    ("neither a nor b", 1), ("notable knot nonetheless", 0), ("", 0),
])
def test_negations_counts_words(text, n):
    assert negations(text) == n


def test_literals_keeps_tokens_with_digits_or_symbols():
    assert literals("In 1950, Z_3 x 3Z. Cost: $5 + tax") == Counter({"1950": 1, "z_3": 1, "3z": 1, "$5": 1, "+": 1})
    assert literals("No numbers here, only words.") == Counter()


MEMBRANE = "Which of the following statements is correct about the cell membrane?"
GDP = "What was GDP per capita in the United States in {} when adjusting for inflation and PPP in 2011 prices?"


@pytest.mark.embeddings
@pytest.mark.parametrize("first,second,found", [
    (MEMBRANE, "Which of the following statements are correct about the cell membrane?", True),  # reworded
    (MEMBRANE, "Which of the following statements is not correct about the cell membrane?", False),  # negated
    (GDP.format(1950), GDP.format(1850), False),  # another year (a real MMLU pair)
])
def test_ft305_skips_contrasting_pairs(lint_text, tmp_path, first, second, found):
    """FT305 end to end: each pair is similar enough without the contrast checks (option off)."""
    from ftlsp import embeddings

    if embeddings.unavailable_reason() is not None:
        pytest.skip(embeddings.unavailable_reason())
    text = "".join(json.dumps({"prompt": p, "completion": "a"}) + "\n" for p in (
        first, second,
        "What is the capital of France?"))
    codes = [d.code for d in lint_text(text, select=("FT305",), cache_dir=str(tmp_path))]
    assert codes == (["FT305"] if found else [])
    opts = {"rules": {"FT305": {"contrasts": False}}}
    assert [d.code for d in lint_text(text, select=("FT305",), cache_dir=str(tmp_path), **opts)] == ["FT305"]
