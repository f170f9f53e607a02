from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ftlsp import embeddings
from ftlsp.rule import Related, Severity
from ftlsp.similarity.contrast import contrast
from ftlsp.similarity.collect import Gathered, check_compare, duplicate_finding, quote
from ftlsp.similarity.groups import best_matches
from ftlsp.similarity.texts import expand_contractions, normalise
from ftlsp.rules.ft304_near_duplicate import NearDuplicate, UnitScorer, unique_units


def word_edits(a: str, b: str) -> tuple[int, int, float]:
    """(changed phrases, words in the longest one, share of words kept in place) between two texts.

    Word-level edit operations. Words only added or only removed one unchanged word away from
    another change belong to that change: "can i" -> "am i able to" is one reworded phrase.
    Two replacements with a word between them stay two edits.
    """
    wa, wb = a.split(), b.split()
    runs: list[list[int]] = []  # adjacent changes: [src_start, src_end, dest_start, dest_end]
    kept = 0
    for op in Levenshtein.opcodes(wa, wb):
        if op.tag == "equal":
            kept += op.src_end - op.src_start
        elif runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    phrases: list[list[int]] = []
    for r in runs:
        if phrases and r[0] - phrases[-1][1] <= 1 and (_one_sided(r) or _one_sided(phrases[-1])):
            phrases[-1][1], phrases[-1][3] = r[1], r[3]
        else:
            phrases.append(r)
    longest = max((max(s1 - s0, d1 - d0) for s0, s1, d0, d1 in phrases), default=0)
    return len(phrases), longest, kept / max(len(wa), len(wb), 1)


def _one_sided(r: list[int]) -> bool:
    return r[0] == r[1] or r[2] == r[3]


def wording(text: str) -> str:
    """What the word-edit check compares: normalised, contractions spelt out ("didn't" = "did not")."""
    return normalise(expand_contractions(text))


class SemanticDuplicate(Gathered):
    """An example that says the same as an earlier one in other words (embedding similarity).

    What: the compared texts' sentence embeddings (all-MiniLM-L6-v2 by default, run
    offline) have cosine similarity of at least ``threshold`` (0-1), and, by default,
    the texts are also the same sentence with at most ``max_word_edits`` reworded
    phrases ("I want to cancel my card" / "I would like to cancel my card"). A phrase
    is a run of changed words, with words only added or removed one word away ("can I
    see" / "am I able to see" is one), of at most ``max_phrase_words`` words;
    contractions are spelt out first ("didn't" = "did not"). A rewording keeps the
    meaning, so pairs are skipped when they differ in negation (a different number of
    not/no/never/none/nobody/nothing/nowhere/neither/without, "n't" and "cannot" counted
    as "not": "Which statement is not true?" / "Which statement is correct?") or in
    numbers and formulas (tokens with a digit or a symbol: "in 1950" / "in 1850"). Pairs
    FT301-FT304 already report are skipped. Opt-in (``extend-select = ["FT305"]``) and
    reported as info: needs ``pip install 'ftlsp[embeddings]'`` and embeds every example
    once (then the on-disk cache makes re-runs fast).

    Why: paraphrased copies over-weight an example like exact copies do. But neither
    cosine nor wording can tell a reworded copy from an independently written question
    with the same intent: in 2,000 banking77 questions, 100+ same-intent pairs differ by
    one or two words ("How do I add a new card?" / "How can I add a new card?", cosine
    0.99). With 50 injected rewordings, FT304 + FT305 find 88-96% of them, but ~80% of
    FT305's findings are such pre-existing pairs: fine for reviewing a dataset, too many
    to be on by default. On distinct questions (MMLU, GSM8K) over 90% of its findings
    are the injected rewordings. Antonym swaps ("supply curve shifts to the left" /
    "demand curve shifts to the right") still pass: telling them from synonyms needs
    word knowledge. Purely semantic matches (``max_word_edits = -1``) need a high
    threshold (0.97+); cosine thresholds do not transfer between models.

    Options:
        threshold: minimum cosine similarity, 0-1 (default 0.9).
        max_word_edits: reworded phrases allowed (default 2); -1 = no lexical check.
        max_phrase_words: longest reworded phrase, in words (default 4).
        min_kept: share of words that must be unchanged, in each of input and output (default 0.6).
        compare: "example" (default), "input", "output", "prompt" or "whole".
        contrasts: skip pairs that differ in negation or in numbers/formulas (default true).

    Bad:
        {"prompt": "I want to cancel my card because I lost it.", "completion": "lost_or_stolen_card"}
        {"prompt": "I would like to cancel my card because I lost it.", "completion": "lost_or_stolen_card"}

    Good:
        {"prompt": "I want to cancel my card because I lost it.", "completion": "lost_or_stolen_card"}
        {"prompt": "What is the exchange rate for euros today?", "completion": "exchange_rate"}
        {"prompt": "I don't want to cancel my card because I lost it.", "completion": "lost_or_stolen_card"}
    """

    code = "FT305"
    name = "semantic-duplicate"
    summary = "Example says the same as an earlier one in other words (embeddings; opt-in)"
    default_severity = Severity.INFO
    default_enabled = False

    @dataclass(frozen=True)
    class Options:
        threshold: float = 0.9
        max_word_edits: int = 2
        max_phrase_words: int = 4
        min_kept: float = 0.6
        compare: str = "example"
        contrasts: bool = True

        def __post_init__(self):
            check_compare("FT305", self.compare)
            if not 0.0 < self.threshold <= 1.0:
                raise ValueError(f"FT305: threshold must be in (0, 1], got {self.threshold}")

    def report(self, ctx):
        o = self.options
        units, first_of = unique_units(self.items, o.compare, 1)
        if len(units) < 2:
            return
        backend = embeddings.backend_for(ctx)
        if backend is None:
            return
        # embed the original text of each unit's first example (normalising would hurt the model)
        raw = [self.items[n][1].get(o.compare) for n in first_of]
        try:
            vecs = backend.embed(raw, progress=lambda f: ctx.cancelled("embedding examples", 0.8 * f))
            i, j, s = embeddings.neighbours(vecs, threshold=o.threshold, k=5,
                                            cancelled=lambda f: ctx.cancelled("semantic duplicates", 0.8 + 0.2 * f))
        except embeddings.Cancelled:
            return
        lex, lex_scorer = self._lexical(ctx, units)
        keep_i, keep_j, keep_s = [], [], []
        for a, b, sc in zip(i.tolist(), j.tolist(), s.tolist()):
            if lex_scorer(a, b, lex) >= lex:
                continue  # FT304's finding
            if o.max_word_edits >= 0 and not self._same_sentence(first_of[a], first_of[b]):
                continue
            if o.contrasts and self._contrast(first_of[a], first_of[b]):
                continue
            keep_i.append(a)
            keep_j.append(b)
            keep_s.append(min(sc, 1.0))
        import numpy as np

        for a, b, sc, root, size in best_matches(len(units), np.array(keep_i, np.int64),
                                                  np.array(keep_j, np.int64), np.array(keep_s)):
            ex, p = self.items[first_of[a]]
            m_ex, _ = self.items[first_of[b]]
            extra = ()
            if root != b:
                r_ex, _ = self.items[first_of[root]]
                extra = (Related(f"first example of this group of {size} (line {r_ex.line + 1})", r_ex.line),)
            msg = (f"says the same as line {m_ex.line + 1} in other words (cosine {sc:.2f}, "
                   f"{backend.model_id.split('@')[0]}): {quote(p, o.compare)}")
            yield duplicate_finding(ex, m_ex, p, o.compare, msg, sc, size, extra, match_line=m_ex.line + 1,
                                    model=backend.model_id)

    def _same_sentence(self, n: int, m: int) -> bool:
        """Items n and m are the same text(s) with a few reworded phrases (the options' limits).

        For "example", input and output are checked each: a long answer shared by both must not
        hide a rewritten question (nor a short label make most of the words)."""
        o = self.options
        total = 0
        for x, y in self._sides(n, m):
            if x == y:
                continue
            n_phrases, longest, kept = word_edits(wording(x), wording(y))
            total += n_phrases
            if n_phrases and (longest > o.max_phrase_words or kept < o.min_kept):
                return False
        return total <= o.max_word_edits

    def _sides(self, n: int, m: int):
        pn, pm = self.items[n][1], self.items[m][1]
        if self.options.compare == "example":
            return ((pn.input, pm.input), (pn.output, pm.output))
        return ((pn.get(self.options.compare), pm.get(self.options.compare)),)

    def _contrast(self, n: int, m: int) -> str:
        """Why items n and m say different things despite their similarity ("" if none found)."""
        for x, y in self._sides(n, m):
            if x != y:
                why = contrast(x, y, wording(x), wording(y))
                if why:
                    return why
        return ""

    def _lexical(self, ctx, units):
        """FT304's threshold and scorer as configured, to leave its pairs to it."""
        opts = dict(ctx.config.rules.get("FT304", {}))
        opts.pop("severity", None)
        try:
            o4 = NearDuplicate.make_options(opts)
        except ValueError:
            o4 = NearDuplicate.Options()
        return o4.threshold, UnitScorer(units, self.options.compare, o4.templates, o4.any_edit)
