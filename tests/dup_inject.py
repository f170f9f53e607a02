"""Inject near-duplicates into a set of distinct questions (used by test_dup_injection and the benchmark).

Kinds: ``typo`` (1-2 character edits), ``reorder`` (clauses swapped), ``case`` (case, whitespace,
punctuation), ``paraphrase`` (rule-based rewording: phrase synonyms, contractions; keeps the meaning).
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

KINDS = ("typo", "reorder", "case", "paraphrase")

PHRASES = [
    ("i want to", "i would like to"), ("i would like to", "i want to"), ("how do i", "how can i"),
    ("how can i", "what do i do to"), ("can i", "am i able to"), ("is it possible to", "can i"),
    ("i'm", "i am"), ("i am", "i'm"), ("don't", "do not"), ("do not", "don't"), ("can't", "cannot"),
    ("cannot", "can't"), ("didn't", "did not"), ("isn't", "is not"), ("hasn't", "has not"),
    ("haven't", "have not"), ("won't", "will not"), ("what's", "what is"), ("why is", "how come"),
    ("money", "funds"), ("get", "obtain"), ("need", "require"), ("help", "assist"), ("please", "kindly"),
    ("buy", "purchase"), ("wrong", "incorrect"), ("send", "transfer"), ("check", "verify"),
    ("tell me", "let me know"), ("still", "yet"), ("show", "display"), ("fix", "sort out"),
    ("quickly", "fast"), ("my account", "my bank account"), ("cash", "money"), ("charged", "billed"),
    ("where", "in which place"), ("some", "a bit of"), ("a lot", "much"), ("there is", "there's"),
]

KEYS = "qwertyuiopasdfghjklzxcvbnm"


def banking77(path):
    """(question, intent) rows of banking77's CSV (columns text, category)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [(r["text"].strip(), r["category"]) for r in csv.DictReader(fh)]


def mmlu(folder, min_chars=20, max_chars=300):
    """(question, subject) rows of MMLU's per-subject ``*_test.csv`` files (column question).

    Questions of 20-300 characters: shorter ones are fragments ("Which is true?"), longer ones
    mostly passages with a question at the end."""
    rows = []
    for path in sorted(Path(folder).glob("*.csv")):
        subject = path.stem.removesuffix("_test")
        with open(path, newline="", encoding="utf-8") as fh:
            rows += [(q, subject) for q in (r["question"].strip() for r in csv.DictReader(fh))
                     if min_chars <= len(q) <= max_chars]
    return rows


def gsm8k(path):
    """(question, "math") rows of GSM8K's JSONL (key question)."""
    with open(path, encoding="utf-8") as fh:
        return [(json.loads(line)["question"].strip(), "math") for line in fh if line.strip()]


SOURCES = {"banking77": banking77, "mmlu": mmlu, "gsm8k": gsm8k}


def load_questions(path, n, seed=0, source="banking77"):
    """``n`` distinct (after normalisation) questions with their label, sampled from ``path``
    read by the loader ``SOURCES[source]``."""
    from ftlsp.similarity.texts import normalise

    seen, out = set(), []
    rows = SOURCES[source](path)
    random.Random(seed).shuffle(rows)
    for text, cat in rows:
        k = normalise(text)
        if k and k not in seen:
            seen.add(k)
            out.append((text, cat))
        if len(out) == n:
            break
    return out


def typo(text, rng):
    words = text.split(" ")
    cands = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not cands:
        return None
    for i in rng.sample(cands, min(len(cands), rng.choice((1, 1, 2)))):
        w = words[i]
        p = rng.randrange(1, len(w) - 1)
        op = rng.choice(("swap", "drop", "double", "replace"))
        if op == "swap":
            w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
        elif op == "drop":
            w = w[:p] + w[p + 1:]
        elif op == "double":
            w = w[:p] + w[p] + w[p:]
        else:
            w = w[:p] + rng.choice(KEYS) + w[p + 1:]
        words[i] = w
    out = " ".join(words)
    return out if out != text else None


def reorder(text, rng):
    t = text.strip()
    # two sentences: swap them
    sents = [s for s in re.split(r"(?<=[.?!])\s+", t) if s]
    if len(sents) >= 2:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
        return " ".join(sents)
    # "A, B?" -> "B, A?" and "A if/when/because/and B" -> "B, A"
    m = re.match(r"^(.*?),\s+(.*?)([.?!]?)$", t)
    if m and len(m.group(1)) > 3 and len(m.group(2)) > 3:
        b = m.group(2)
        return b[0].upper() + b[1:] + ", " + m.group(1)[0].lower() + m.group(1)[1:] + m.group(3)
    m = re.match(r"^(.*?)\s+(if|when|because|since|after|before|and|but|so)\s+(.*?)([.?!]?)$", t, re.I)
    if m and len(m.group(1)) > 3 and len(m.group(3)) > 3:
        a, conj, b = m.group(1), m.group(2).lower(), m.group(3)
        return b[0].upper() + b[1:] + " " + conj + " " + a[0].lower() + a[1:] + m.group(4)
    return None


def case(text, rng):
    ops = rng.sample(["upper", "lower", "title", "spaces", "punct", "trail"], 2)
    t = text
    for op in ops:
        if op == "upper":
            t = t.upper()
        elif op == "lower":
            t = t.lower()
        elif op == "title":
            t = t.title()
        elif op == "spaces":
            t = re.sub(" ", "  ", t, count=3)
        elif op == "punct":
            t = t.rstrip("?.!") + rng.choice(("??", "!", " .", ""))
        else:
            t = " " + t + "  "
    return t if t != text else None


def paraphrase(text, rng):
    low = text.lower()
    hits = [(a, b) for a, b in PHRASES if re.search(r"\b" + re.escape(a) + r"\b", low)]
    if len(hits) < 1:
        return None
    rng.shuffle(hits)
    t, used = low, 0
    for a, b in hits:
        new = re.sub(r"\b" + re.escape(a) + r"\b", b, t, count=1)
        if new != t:
            t, used = new, used + 1
        if used == 2:
            break
    if used == 0:
        return None
    return t[0].upper() + t[1:]


MAKERS = {"typo": typo, "reorder": reorder, "case": case, "paraphrase": paraphrase}


def inject(base, per_kind, seed=1):
    """Records (text, label, source index or None, kind) with ``per_kind`` injected copies of each kind,
    each one inserted after its source at a random place. Each source is used at most once."""
    rng = random.Random(seed)
    records = [(t, c, None, None) for t, c in base]
    order = list(range(len(base)))
    rng.shuffle(order)
    used = set()
    injected = []
    for kind in KINDS:
        made = 0
        for src in order:
            if made == per_kind:
                break
            if src in used:
                continue
            new = MAKERS[kind](base[src][0], rng)
            if new is None:
                continue
            used.add(src)
            injected.append((new, base[src][1], src, kind))
            made += 1
    # insert each copy somewhere after its source
    out = list(records)
    pos_of = list(range(len(base)))
    for rec in injected:
        src_pos = out.index(records[rec[2]])
        at = rng.randrange(src_pos + 1, len(out) + 1)
        out.insert(at, rec)
    del pos_of
    return out
