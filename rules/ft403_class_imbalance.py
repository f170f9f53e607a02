from __future__ import annotations

from dataclasses import dataclass

from ftlsp.rule import Finding, Severity
from ftlsp.similarity.collect import Gathered
from ftlsp.similarity.texts import label_vocabulary, normalise, short


class ClassImbalance(Gathered):
    """Classification data where the rarest class is far rarer than the most common one.

    What: in classification-like data (a small vocabulary of short outputs), the
    rarest label has fewer than ``max_ratio`` times fewer examples than the most
    common label (default 10:1). Reported once, on the first example of the rarest
    class, with every class's count and share in ``data``.

    Why: a fine-tuned model drifts toward the majority label; the rare classes are
    learned from too few examples. Add examples of the rare classes, or accept it
    knowingly (set ``max_ratio`` higher, or ignore FT403 for the file).

    Options:
        max_ratio: largest class / rarest class above this is reported (default 10).
        min_examples: files with fewer examples are not checked (default 20).
        max_labels: the most distinct labels for data to count as classification (default 100).

    Bad:
        {"prompt": "a", "completion": "spam"}
        {"prompt": "b", "completion": "ham"}
        {"prompt": "c", "completion": "ham"}
        {"prompt": "d", "completion": "ham"}
        {"prompt": "e", "completion": "ham"}
        {"prompt": "f", "completion": "ham"}
        {"prompt": "g", "completion": "ham"}
        {"prompt": "h", "completion": "ham"}
        {"prompt": "i", "completion": "ham"}
        {"prompt": "j", "completion": "ham"}
        {"prompt": "k", "completion": "ham"}
        {"prompt": "l", "completion": "ham"}
        {"prompt": "m", "completion": "ham"}
        {"prompt": "n", "completion": "ham"}
        {"prompt": "o", "completion": "ham"}
        {"prompt": "p", "completion": "ham"}
        {"prompt": "q", "completion": "ham"}
        {"prompt": "r", "completion": "ham"}
        {"prompt": "s", "completion": "ham"}
        {"prompt": "t", "completion": "ham"}
        {"prompt": "u", "completion": "ham"}
        {"prompt": "v", "completion": "ham"}

    Good:
        {"prompt": "a", "completion": "spam"}
        {"prompt": "b", "completion": "ham"}
        {"prompt": "c", "completion": "ham"}
        {"prompt": "d", "completion": "spam"}
        {"prompt": "e", "completion": "ham"}
        {"prompt": "f", "completion": "spam"}
        {"prompt": "g", "completion": "ham"}
        {"prompt": "h", "completion": "spam"}
        {"prompt": "i", "completion": "ham"}
        {"prompt": "j", "completion": "spam"}
        {"prompt": "k", "completion": "ham"}
        {"prompt": "l", "completion": "spam"}
        {"prompt": "m", "completion": "ham"}
        {"prompt": "n", "completion": "spam"}
        {"prompt": "o", "completion": "ham"}
        {"prompt": "p", "completion": "spam"}
        {"prompt": "q", "completion": "ham"}
        {"prompt": "r", "completion": "spam"}
        {"prompt": "s", "completion": "ham"}
        {"prompt": "t", "completion": "ham"}
        {"prompt": "u", "completion": "ham"}
        {"prompt": "v", "completion": "ham"}
    """

    code = "FT403"
    name = "class-imbalance"
    summary = "Rarest class is far rarer than the most common one"
    default_severity = Severity.INFO

    @dataclass(frozen=True)
    class Options:
        max_ratio: float = 10.0
        min_examples: int = 20
        max_labels: int = 100

    def report(self, ctx):
        o = self.options
        outputs = [p.output for _, p in self.items]
        if len(outputs) < o.min_examples:
            return
        vocab = label_vocabulary(outputs, max_labels=o.max_labels)
        if vocab is None:
            return
        (top, n_top), (rare, n_rare) = vocab.most_common(1)[0], vocab.most_common()[-1]
        if n_top <= o.max_ratio * n_rare:
            return
        total = sum(vocab.values())
        for ex, p in self.items:
            if (normalise(p.output) or p.output.strip()) == rare:
                break
        else:  # pragma: no cover
            return
        rarest = [k for k, v in vocab.items() if v == n_rare]
        msg = (f"class imbalance: {short(p.output, 30)} has {n_rare} example(s) ({n_rare / total:.1%}), "
               f"{short(top, 30)} has {n_top} ({n_top / total:.1%}): ratio {n_top / n_rare:.0f}:1 over "
               f"{len(vocab)} classes; {len(rarest)} class(es) at the minimum")
        ptr = p.output_pointer if p.single_output else ""
        yield Finding(msg, ptr, "value" if ptr else "record", example=ex,
                      data={"counts": dict(vocab.most_common()), "rarest_share": round(n_rare / total, 4),
                            "ratio": round(n_top / n_rare, 2)})
