"""FT305's lexical evidence: contractions spelt out, reworded phrases counted (no embeddings needed)."""

import pytest

from ftlsp.rules.ft305_semantic_duplicate import word_edits, wording
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
