"""The matcher the FT5xx rules share: one analysis per linted file, computed lazily.

Direction: when a training file is linted, the reference side is the eval files
plus the configured benchmarks and findings sit on training records; when an
eval file is linted (``ctx.is_eval``), the reference side is the training
files and findings sit on eval records. The n-gram index is always built over
the eval side, so scores (coverage of the eval item) are the same both ways.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import numpy as np

from ftlsp.contamination import refsets as R
from ftlsp.contamination import text as T
from ftlsp.contamination.ngram import EvalIndex, Groups, NgramParams, Overlap, scan
from ftlsp.contamination.refsets import Corpus, Item
from ftlsp.rule import Finding, Related

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context
    from ftlsp.rule import Example

MAX_RELATED = 3


@dataclass
class Match:
    cur: int  # index into Analysis.items
    others: list[Item]  # matching records on the other side (best first)
    method: str  # exact | normalised | ngram | semantic
    side: str  # record | input | output
    score: float
    extra: dict = field(default_factory=dict)


def _abs(p: str) -> str:
    return os.path.abspath(p)


def reference_corpus(ctx: "Context", eval_peers: bool = False) -> Corpus:
    """The other side of the comparison for the file being linted (see module doc).

    ``eval_peers``: for an eval file, the other eval files and the benchmarks instead (FT504).
    """
    memo = ctx.service("ft5.corpora", dict)
    here = _abs(ctx.path)
    parts: list[Corpus] = []
    if ctx.is_eval and not eval_peers:
        for p in ctx.train_paths:
            if _abs(p) != here and os.path.isfile(p):
                parts.append(R.load_source(p, benchmark=False, config=ctx.config, memo=memo))
    else:
        for p in ctx.eval_paths:
            if _abs(p) != here and os.path.isfile(p):
                parts.append(R.load_source(p, benchmark=False, config=ctx.config, memo=memo))
        for spec in R.benchmark_specs(ctx.config):
            p = spec["path"]
            if not os.path.isfile(p):
                ctx.notice(f"benchmark {p} not found: contamination checks skip it")
                continue
            parts.append(R.load_source(p, benchmark=True, fields=R.benchmark_fields(spec), config=ctx.config,
                                       memo=memo, name=spec.get("name")))
    if not parts:
        return Corpus("reference", [])
    # the same parts give the same joined object, so indexes built on it are reused (editor re-runs)
    joined = ctx.service("ft5.joined", dict)
    key = tuple(id(p) for p in parts)
    got = joined.get(key)
    if got is None or any(a is not b for a, b in zip(got[0], parts)):
        if len(joined) > 8:
            joined.clear()
        got = joined[key] = (parts, Corpus.join("reference", parts))
    return got[1]


class Analysis:
    """Everything the FT5xx rules need about one linted file, each part computed once."""

    def __init__(self, ctx: "Context", examples: list["Example"]):
        self.ctx = ctx
        self.is_eval = ctx.is_eval
        self.examples: list["Example"] = []
        items: list[Item] = []
        for ex in examples:
            it = R.item_from_record(ex.data, ctx.dialect, ex.path, ex.line, ex.index)
            if it is not None:
                self.examples.append(ex)
                items.append(it)
        self.current = Corpus(os.path.basename(ctx.path), items)
        self._other: Corpus | None = None
        self._ngram: dict[NgramParams, Overlap] = {}
        self._exact: list[Match] | None = None
        self._exact_key: tuple | None = None
        self.semantic_cache: dict = {}

    @property
    def items(self) -> list[Item]:
        return self.current.items

    @property
    def other(self) -> Corpus:
        if self._other is None:
            self._other = reference_corpus(self.ctx)
        return self._other

    # -- exact and normalised ------------------------------------------------------------

    def exact(self, min_output_tokens: int = 8, max_output_repeats: int = 2) -> list[Match]:
        key = (min_output_tokens, max_output_repeats)
        if self._exact is not None and self._exact_key == key:
            return self._exact
        found = exact_matches(self.current, self.other, min_output_tokens, max_output_repeats)
        self._exact, self._exact_key = found, key
        return found

    def exact_input_pairs(self) -> set[tuple[int, str, int]]:
        """(current item, other path, other line) of pairs the exact rule reports, so others skip them."""
        out = set()
        for m in self.exact():
            for o in m.others:
                out.add((m.cur, o.path, o.line))
        return out

    def lexical_pairs(self) -> set[tuple[int, str, int]]:
        """Pairs FT501 and FT502 (default options) report: the semantic rule does not repeat them."""
        pairs = self.exact_input_pairs()
        for m in self.ngram_matches(NgramParams(), 0.5, 0.9):
            for o in m.others:
                pairs.add((m.cur, o.path, o.line))
        return pairs

    def _exact_eval_groups(self, index: EvalIndex) -> np.ndarray:
        """Eval groups (of the n-gram index) that have an exact or normalised copy on the other side."""
        return self._exact_eval_groups_for(index.groups, index.corpus)

    def _exact_eval_groups_for(self, groups: Groups, corpus: Corpus) -> np.ndarray:
        ev_items = set()
        for m in self.exact():
            if m.side == "output":
                continue
            if self.is_eval:
                ev_items.add(m.cur)
            else:
                for o in m.others:
                    ev_items.add((o.path, o.line))
        if not ev_items:
            return np.empty(0, np.int64)
        if self.is_eval:
            ids = [i for i in ev_items]
        else:
            ids = [j for j, it in enumerate(corpus.items) if (it.path, it.line) in ev_items]
        if not ids:
            return np.empty(0, np.int64)
        g = groups.of_item[np.array(ids, dtype=np.int64)]
        return np.unique(g[g >= 0])

    # -- n-gram ---------------------------------------------------------------------------

    def ngram(self, params: NgramParams) -> tuple[Overlap, EvalIndex, Corpus, Corpus]:
        """Overlap between eval side and training side; returns (overlap, index, eval corpus, train corpus)."""
        if self.is_eval:
            ev, tr = self.current, self.other
            index = EvalIndex.build(ev, params)
        else:
            ev, tr = self.other, self.current
            cache = self.ctx.service("ft5.eval-index", dict)
            key = (id(ev), params)
            got = cache.get(key)
            if got is None or got[0] is not ev:
                cache.clear()
                got = cache[key] = (ev, EvalIndex.build(ev, params))
            index = got[1]
        ov = self._ngram.get(params)
        if ov is None:
            ov = self._ngram[params] = scan(index, tr)
        return ov, index, ev, tr

    def ngram_matches(self, params: NgramParams, min_coverage: float, min_similarity: float,
                      max_partial: int = 3) -> list[Match]:
        ov, index, ev, tr = self.ngram(params)
        if not len(ov.shared):
            return []
        cov = ov.coverage
        eg_members = index.groups.members
        tg_members = ov.train_groups.members
        cur_is_eval = self.is_eval
        skip = self.exact_input_pairs()
        sims = None
        if min_similarity < 1.0:
            from rapidfuzz import fuzz

            en, tn = ev.norm_prompts(), tr.norm_prompts()
            sims = np.array([fuzz.ratio(en[index.groups.rep[e]], tn[ov.train_groups.rep[t]]) / 100.0
                             if c < min_coverage else 0.0
                             for e, t, c in zip(ov.eval_group, ov.train_group, cov)])
        keep = cov >= min_coverage
        if sims is not None:
            keep |= sims >= min_similarity
        # a short eval item (fewer than n words) must fill a whole sentence or line of the training
        # text: "Are vampires real?" in "Q: Are vampires real?\nA: ..." is a copy, the MMLU
        # question "The coronary arteries" inside "... the ostium of the coronary arteries." is not
        lens = index.corpus.tokens().lengths
        short = np.nonzero(keep & (lens[index.groups.rep[ov.eval_group]] < params.n))[0]
        for k in short:
            e_raw = ev.items[index.groups.rep[ov.eval_group[k]]].prompt
            t_raw = tr.items[ov.train_groups.rep[ov.train_group[k]]].prompt
            if not fills_segment(e_raw, t_raw):
                keep[k] = False
        # an eval item already copied verbatim is FT501's; its near-copies would only add noise
        exact_eval = self._exact_eval_groups(index)
        keep &= ~np.isin(ov.eval_group, exact_eval)
        # template families: an eval item partly matching many distinct training inputs is one of
        # many slot-filled variants ("... in 2019 for programme X"), not a copy
        partial = keep & (cov < 1.0)
        if partial.any():
            per_eval = np.bincount(ov.eval_group[partial], minlength=len(index.groups))
            keep &= ~(partial & (per_eval[ov.eval_group] > max_partial))
        by_cur: dict[int, list[tuple[float, Item, dict]]] = {}
        for k in np.nonzero(keep)[0]:
            e, t = int(ov.eval_group[k]), int(ov.train_group[k])
            extra = {"shared_ngrams": int(ov.shared[k]), "eval_ngrams": int(ov.total[k]), "n": params.n,
                     "coverage": round(float(cov[k]), 3)}
            if sims is not None and cov[k] < min_coverage:
                extra["similarity"] = round(float(sims[k]), 3)
            score = float(cov[k]) if cov[k] >= min_coverage else float(sims[k])
            cur_ids, oth_ids, oth_corpus = (eg_members[e], tg_members[t], tr) if cur_is_eval else \
                (tg_members[t], eg_members[e], ev)
            for ci in cur_ids:
                for oj in oth_ids:
                    o = oth_corpus.items[oj]
                    if (ci, o.path, o.line) in skip:
                        continue
                    by_cur.setdefault(ci, []).append((score, o, extra))
        out = []
        for ci, lst in sorted(by_cur.items()):
            lst.sort(key=lambda x: (-x[0], x[1].path, x[1].line))
            best = lst[0]
            out.append(Match(ci, [o for _, o, _ in lst], "ngram", "input", best[0], dict(best[2])))
        return out


def exact_matches(current: Corpus, other: Corpus, min_output_tokens: int = 8, max_output_repeats: int = 2,
                  outputs: bool = True) -> list[Match]:
    """Whole-record, input (exact, then normalised) and long-output matches of current against other."""
    by_record: dict[bytes, list[int]] = {}
    by_raw: dict[str, list[int]] = {}
    by_norm: dict[str, list[int]] = {}
    by_out: dict[str, list[int]] = {}
    onorm = other.norm_prompts()
    oresp = other.norm_responses() if outputs else [""] * len(other)
    for j, it in enumerate(other.items):
        if it.record_key is not None:
            by_record.setdefault(it.record_key, []).append(j)
        if onorm[j]:
            by_raw.setdefault(it.prompt.strip(), []).append(j)
            by_norm.setdefault(onorm[j], []).append(j)
        if oresp[j]:
            by_out.setdefault(oresp[j], []).append(j)
    # outputs shared by many distinct inputs are labels or templates, not leaked answers
    out_inputs = {k: len({onorm[j] for j in v}) for k, v in by_out.items()}
    cnorm = current.norm_prompts()
    cresp = current.norm_responses() if outputs else [""] * len(current)
    cur_out_inputs: dict[str, set] = {}
    for i in range(len(current)):
        if cresp[i]:
            cur_out_inputs.setdefault(cresp[i], set()).add(cnorm[i])
    found: list[Match] = []
    for i, it in enumerate(current.items):
        hits = by_record.get(it.record_key) if it.record_key is not None else None
        if hits:
            found.append(Match(i, [other.items[j] for j in hits], "exact", "record", 1.0))
            continue
        if cnorm[i]:
            hits = by_raw.get(it.prompt.strip())
            if hits:
                found.append(Match(i, [other.items[j] for j in hits], "exact", "input", 1.0))
                continue
            hits = by_norm.get(cnorm[i])
            if hits:
                found.append(Match(i, [other.items[j] for j in hits], "normalised", "input", 1.0))
                continue
        r = cresp[i]
        if r and len(r.split()) >= min_output_tokens and r in by_out and \
                out_inputs[r] <= max_output_repeats and len(cur_out_inputs.get(r, ())) <= max_output_repeats:
            hits = by_out[r]
            exact = any(other.items[j].response.strip() == it.response.strip() for j in hits)
            found.append(Match(i, [other.items[j] for j in hits], "exact" if exact else "normalised", "output", 1.0))
    return found


_SEP = " \u01c2sep\u01c2 "  # a word-character token marking sentence and line ends
_DELIM = re.compile(r"[.?!:;]+(?=\s|$)|\n")


def fills_segment(short: str, text: str) -> bool:
    """``short`` (normalised) equals a run of whole sentences or lines of ``text``."""
    toks = T.words(short)
    if not toks:
        return False
    seg = T.normalise(_DELIM.sub(_SEP, text))
    sep = T.normalise(_SEP)
    pat = rf"(?:^|{sep} )" + r" (?:{0} )?".format(sep).join(re.escape(t) for t in toks) + rf"(?: {sep}|$)"
    return re.search(pat, seg) is not None


def analysis(ctx: "Context", examples: list["Example"]) -> Analysis:
    """The shared Analysis of the file being linted (built once for all FT5xx rules)."""
    store = ctx.service("ft5.analysis", dict)
    key = _abs(ctx.path)
    got = store.get(key)
    if got is not None and got[0] is ctx.document and got[1] == (len(examples), ctx.is_eval, ctx.eval_paths,
                                                                    ctx.train_paths):
        return got[2]
    a = Analysis(ctx, examples)
    store[key] = (ctx.document, (len(examples), ctx.is_eval, ctx.eval_paths, ctx.train_paths), a)
    return a


# -- findings ------------------------------------------------------------------------------

def quote(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= n else s[: n - 1] + "…")


def _where(o: Item, bench_names: dict[str, str]) -> str:
    name = bench_names.get(_abs(o.path))
    return f"{o.label()}" + (f" ({name})" if name else "")


def bench_names(ctx: "Context") -> dict[str, str]:
    out = {}
    for spec in R.benchmark_specs(ctx.config):
        out[_abs(spec["path"])] = spec.get("name") or "benchmark"
    return out


def finding(a: Analysis, m: Match, text: str) -> Finding:
    """A Finding on the current record with related locations on the other side."""
    ex = a.examples[m.cur]
    it = a.items[m.cur]
    names = bench_names(a.ctx)
    kind = "training record" if a.is_eval else "eval record"
    rel = tuple(Related(f"{kind} ({m.method} {m.side} match, score {m.score:.2f})", o.line, o.path)
                for o in m.others[:MAX_RELATED])
    first = m.others[0]
    more = f" and {len(m.others) - 1} more" if len(m.others) > 1 else ""
    msg = text.format(kind=kind, where=_where(first, names), more=more, score=f"{m.score:.2f}",
                      quote=quote(it.prompt if m.side != "output" else it.response))
    if m.side == "output":
        pointer, target = it.response_pointer, "value"
    elif m.side == "record":
        pointer, target = "", "record"
    else:
        pointer, target = it.pointer, "value"
    if not pointer:
        target = "record"
    other_key = "train" if a.is_eval else "eval"
    data = {"method": m.method, "side": m.side, "score": round(m.score, 3),
            f"{other_key}_path": first.path, f"{other_key}_line": first.line + 1, "matches": len(m.others),
            **m.extra}
    if names.get(_abs(first.path)):
        data["benchmark"] = names[_abs(first.path)]
    return Finding(msg, pointer, target=target, example=ex, related=rel, data=data)


def different_output(a: Analysis, m: Match) -> str:
    """' (different output: ...)' when an input match carries another answer: a label conflict too."""
    it = a.items[m.cur]
    o = m.others[0]
    if m.side == "input" and o.response and it.response and \
            " ".join(o.response.split()) != " ".join(it.response.split()):
        return f"; outputs differ: {quote(it.response, 30)} here vs {quote(o.response, 30)}"
    return ""


def collect(rule, ctx: "Context", examples: list["Example"]) -> Analysis | None:
    """Analysis for a rule's finish(), or None when there is nothing to compare or work was cancelled."""
    if not examples:
        return None
    if ctx.is_eval and not ctx.train_paths:
        return None
    if not ctx.is_eval and not ctx.eval_paths and not ctx.config.benchmarks:
        return None
    if ctx.cancelled(f"{rule.code} contamination", 0.0):
        return None
    a = analysis(ctx, examples)
    if not len(a.other):
        return None
    return a


def iter_findings(a: Analysis, matches: Iterable[Match], template) -> Iterable[Finding]:
    for m in matches:
        yield finding(a, m, template(m))


# -- semantic ------------------------------------------------------------------------------

def semantic_matches(a: Analysis, backend, threshold: float, max_partial: int, max_records: int,
                     lexical_pairs: set) -> list[Match] | None:
    """Eval/training input pairs with embedding cosine >= threshold, lexical findings excluded.

    Distinct inputs (normalised) are embedded once each through the shared cache. An eval input
    close to more than ``max_partial`` distinct training inputs is a template family and skipped.
    Returns None when the sets are larger than ``max_records`` (the caller says so once).
    """
    from ftlsp import embeddings as E

    ev, tr = (a.current, a.other) if a.is_eval else (a.other, a.current)
    eg, tg = Groups.build(ev), Groups.build(tr)
    if len(eg) == 0 or len(tg) == 0:
        return []
    if len(eg) + len(tg) > max_records:
        return None
    ctx = a.ctx

    def progress(label):
        return lambda f: ctx.cancelled(label, 100.0 * f)

    ve = backend.embed([ev.items[i].prompt for i in eg.rep], progress=progress("FT503 embedding eval side"))
    vt = backend.embed([tr.items[i].prompt for i in tg.rep], progress=progress("FT503 embedding training side"))
    i, j, s = E.neighbours(ve, vt, threshold=threshold, k=max_partial + 1)
    if not len(i):
        return []
    per_eval = np.bincount(i, minlength=len(eg))
    keep = per_eval[i] <= max_partial
    exact_eval = set(a._exact_eval_groups_for(eg, ev).tolist())
    by_cur: dict[int, list[tuple[float, Item]]] = {}
    for e, t, score in zip(i[keep], j[keep], s[keep]):
        if int(e) in exact_eval:
            continue
        cur_ids, oth_ids, oth = (eg.members[e], tg.members[t], tr) if a.is_eval else (tg.members[t], eg.members[e], ev)
        for ci in cur_ids:
            for oj in oth_ids:
                o = oth.items[oj]
                if (ci, o.path, o.line) in lexical_pairs:
                    continue
                by_cur.setdefault(ci, []).append((float(score), o))
    out = []
    for ci, lst in sorted(by_cur.items()):
        lst.sort(key=lambda x: (-x[0], x[1].path, x[1].line))
        out.append(Match(ci, [o for _, o in lst], "semantic", "input", lst[0][0], {"cosine": round(lst[0][0], 3)}))
    return out
