from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from typing import ClassVar

import orjson

from ftlsp import content
from ftlsp.content import schema as S
from ftlsp.content.record import outputs, short, turns_of
from ftlsp.rule import ExampleRule, Finding, Severity


class OutputSchemaViolation(ExampleRule):
    """A trained output is not JSON, or does not validate against the output schema the dataset promises.

    What: with a JSON Schema configured, every trained assistant output (the
    completion, the chosen or preferred answer, per dialect) must parse as JSON
    and validate. The diagnostic names the failing field (a JSON pointer into
    the output) and the schema keyword, and underlines that field inside the
    string. Up to 3 errors are reported per output. Nothing is checked until
    a schema is configured; paths are relative to the config file:

        [tool.ftlint.rules.FT701]
        schema = "schemas/answer.json"                      # every file
        schemas = { "data/sentiment*.jsonl" = "schemas/sentiment.json" }   # per file pattern

    Why: teams fine-tune for format adherence ("JSON with these fields"); each
    output with a missing field, a wrong type or a markdown fence around the
    JSON teaches the model the inconsistency the fine-tune should remove.

    Options: ``schema`` (a schema file for every dataset file), ``schemas``
    (glob pattern = schema file; the first matching pattern wins over ``schema``).

    Bad:
        {"messages": [{"role": "user", "content": "Great product!"}, {"role": "assistant", "content": "{\\"sentiment\\": \\"very positive\\"}"}]}

    Good:
        {"messages": [{"role": "user", "content": "Great product!"}, {"role": "assistant", "content": "{\\"sentiment\\": \\"positive\\", \\"score\\": 0.9}"}]}
    """

    code = "FT701"
    name = "output-schema-violation"
    summary = "Trained output is not JSON or does not validate against the configured JSON Schema"
    default_severity = Severity.ERROR
    doc_config: ClassVar[dict] = {"rules": {"FT701": {"schema": os.path.join(
        os.path.dirname(content.__file__), "data", "example_sentiment_schema.json")}}}

    @dataclass(frozen=True)
    class Options:
        schema: str = ""
        schemas: dict = field(default_factory=dict)

    def active(self, ctx) -> bool:
        return bool(self.options.schema or self.options.schemas)

    def schema_path(self, ctx) -> str | None:
        o = self.options
        if o.schemas:
            root = ctx.config.root
            rel = os.path.relpath(os.path.abspath(ctx.path), root) if root else ctx.path
            for pattern, p in o.schemas.items():
                if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(os.path.basename(ctx.path), pattern):
                    return ctx.config.resolve(str(p))
        return ctx.config.resolve(o.schema) if o.schema else None

    def _validator(self, ctx):
        """(validator, schema name) for this file, once per lint run of the file."""
        cached = getattr(ctx, "_ft701", None)
        if cached is None or cached[0] is not self:
            path = self.schema_path(ctx)
            v = None
            if path:
                try:
                    v = S.file_validator(path)
                except S.SchemaLoadError as e:
                    ctx.notice(f"FT701: {e}; output schema not checked")
            cached = (self, v, os.path.basename(path) if path else "")
            try:
                ctx._ft701 = cached
            except AttributeError:  # pragma: no cover - a Context without __dict__
                pass
        return cached[1], cached[2]

    def check(self, ex, ctx):
        if not (self.options.schema or self.options.schemas):
            return
        validator, name = self._validator(ctx)
        if validator is None:
            return
        for _, t in outputs(turns_of(ex)):
            s = t.text.strip()
            try:
                inst = orjson.loads(s)
            except orjson.JSONDecodeError as e:
                yield Finding(f"output is not JSON ({_why(s, e)}); {name} requires a JSON value", t.pointer,
                              data={"keyword": "json", "schema": name})
                continue
            for err in S.errors(validator, inst):
                rng = S.locate(t.text, err.pointer)
                where = f"output field {err.pointer}" if err.pointer else "output"
                msg = f"{where}: {short(err.message, 90)} ({err.keyword}, {name})"
                data = {"field": err.pointer, "keyword": err.keyword, "schema": name}
                if rng is not None:
                    try:
                        a, b = ex.substring_range(t.pointer, rng[0], rng[1])
                        yield Finding(msg, t.pointer, offset=a, end_offset=b, data=data)
                        continue
                    except KeyError:
                        pass
                yield Finding(msg, t.pointer, data=data)


def _why(s: str, e: Exception) -> str:
    if s.startswith("```"):
        return "wrapped in a markdown ``` fence"
    if not s:
        return "empty"
    if s[0] not in "{[\"-0123456789tfn":
        return f"starts with {short(s, 30)!r}"
    return f"invalid JSON: {str(e).split(':', 1)[0]}"
