from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ftlsp.content.record import features_all
from ftlsp.content.shape import Shape, _keys
from ftlsp.rule import CollectingRule, Finding, Related, Severity


class OutputFormatOutlier(CollectingRule):
    """An output whose shape differs from the file's dominant output shape.

    What: each record's last trained output is classified as a JSON object
    (with its key set), a JSON array, a markdown code fence (with its language
    tag), a bulleted/numbered list, a short label or prose. When one shape
    covers at least ``threshold`` of the outputs (and the file has at least
    ``min_examples``), every output of another shape is reported: prose among
    JSON objects, a JSON object wrapped in a ```json fence, an object with a
    missing or extra key, a sentence among one-word labels. No schema needed.
    Files whose dominant shape is prose are not checked: free-form answers
    legitimately mix lists, code blocks and short replies.

    Why: teams fine-tune for a consistent format; the 3% of outputs that break
    it teach the model that the format is optional.

    Options: ``threshold`` (share of the dominant shape, default 0.9),
    ``min_examples`` (default 20).

    Bad:
        {"messages": [{"role": "user", "content": "Great!"}, {"role": "assistant", "content": "{\\"label\\": \\"positive\\"}"}]}
        {"messages": [{"role": "user", "content": "Awful."}, {"role": "assistant", "content": "{\\"label\\": \\"negative\\"}"}]}
        {"messages": [{"role": "user", "content": "Fine."}, {"role": "assistant", "content": "{\\"label\\": \\"neutral\\"}"}]}
        {"messages": [{"role": "user", "content": "Love it"}, {"role": "assistant", "content": "{\\"label\\": \\"positive\\"}"}]}
        {"messages": [{"role": "user", "content": "Meh"}, {"role": "assistant", "content": "The sentiment is neutral."}]}

    Good:
        {"messages": [{"role": "user", "content": "Great!"}, {"role": "assistant", "content": "{\\"label\\": \\"positive\\"}"}]}
        {"messages": [{"role": "user", "content": "Awful."}, {"role": "assistant", "content": "{\\"label\\": \\"negative\\"}"}]}
        {"messages": [{"role": "user", "content": "Fine."}, {"role": "assistant", "content": "{\\"label\\": \\"neutral\\"}"}]}
        {"messages": [{"role": "user", "content": "Love it"}, {"role": "assistant", "content": "{\\"label\\": \\"positive\\"}"}]}
        {"messages": [{"role": "user", "content": "Meh"}, {"role": "assistant", "content": "{\\"label\\": \\"neutral\\"}"}]}
    """

    code = "FT703"
    name = "output-format-outlier"
    summary = "Output shape differs from the file's dominant output shape (JSON keys, fence, list, label, prose)"
    default_severity = Severity.WARNING
    doc_config = {"rules": {"FT703": {"threshold": 0.8, "min_examples": 5}}}

    @dataclass(frozen=True)
    class Options:
        threshold: float = 0.9
        min_examples: int = 20

    def report(self, examples, ctx):
        feats = features_all(examples, ctx)
        # Count first (f.shape: classify() of the last output; empty outputs are FT105's): most
        # files are prose or consistent, and then no per-record list is needed.
        kinds = Counter(f.shape.kind for f in feats if f.shape is not None)
        kinds.pop("empty", None)
        o = self.options
        n = sum(kinds.values())
        if n < max(o.min_examples, 2):
            return
        top, c = kinds.most_common(1)[0]
        if top == "prose":
            return  # prose answers vary in shape legitimately (a list here, a code block there)
        items = [(ex, f.outputs[-1][0], f.shape) for ex, f in zip(examples, feats)
                 if f.shape is not None and f.shape.kind != "empty"]
        group = [it for it in items if it[2].kind == top]
        detail, sub_c, sub_key = _sub_dominant(top, group, o.threshold)
        usual = detail or Shape(top).describe()
        first = group[0][0]
        related = (Related(f"a typical output ({usual})", first.line),)
        if c / n >= o.threshold and c < n:
            for ex, ptr, shape in items:
                if shape.kind != top:
                    yield Finding(f"output is {shape.describe()}; {c} of {n} outputs in this file "
                                  f"({100 * c / n:.0f}%) are {usual if detail else Shape(top).describe()}",
                                  ptr, example=ex, related=related,
                                  data={"shape": shape.kind, "dominant": top, "share": round(c / n, 3)})
        if detail and sub_c < len(group):
            for ex, ptr, shape in group:
                key = _key(shape)
                if key == sub_key:
                    continue
                if top == "json-object":
                    want, got = set(sub_key), set(shape.keys or ())
                    diff = "; ".join(x for x in (
                        f"missing {', '.join(map(repr, sorted(want - got)))}" if want - got else "",
                        f"extra {', '.join(map(repr, sorted(got - want)))}" if got - want else "") if x)
                    msg = f"output keys {_keys(shape.keys or ())} differ from the file's ({diff}); " \
                          f"{sub_c} of {len(group)} JSON outputs have keys {_keys(sub_key)}"
                else:
                    msg = f"output is {shape.describe()}; {sub_c} of {len(group)} fenced outputs are {detail}"
                yield Finding(msg, ptr, example=ex, related=related,
                              data={"shape": shape.kind, "keys": list(shape.keys or ()), "tag": shape.tag})


def _key(shape: Shape):
    return shape.keys if shape.kind == "json-object" else shape.tag


def _sub_dominant(kind: str, group: list, threshold: float) -> tuple[str | None, int, object]:
    """For JSON objects (key sets) and fences (language tags): the dominant variant, if clear."""
    if kind not in ("json-object", "fenced"):
        return None, 0, None
    variants = Counter(_key(s) for _, _, s in group)
    key, c = variants.most_common(1)[0]
    if c / len(group) < threshold:
        return None, 0, None
    return (Shape("json-object", key) if kind == "json-object" else Shape("fenced", tag=key)).describe(), c, key
