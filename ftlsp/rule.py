"""The rule API.

Three kinds of rule, all pure (they return findings, never print or write):

- ``ExampleRule.check(ex, ctx)``: one record at a time; safe to re-run on
  every keystroke, cached by the record's content hash.
- ``DatasetRule``: ``start(ctx)``, ``add(ex)`` for every record, ``finish(ctx)``
  yields findings about the whole file (duplicates, labels, contamination, size).
- ``DocumentRule.check_document(doc, ctx)``: raw text problems (encoding, blank
  lines, BOM) that exist before there is any record.

Rules locate problems by JSON pointer into a record; the engine turns that
into an exact range. A rule's docstring is its documentation: sections
``What``, ``Why``, ``Bad`` and ``Good`` (the last two run as tests).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context
    from ftlsp.document import Document, Record


class Severity(IntEnum):
    """LSP DiagnosticSeverity values."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: "str | int | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}: use error, warning, info or hint") from None


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding: the first copy, the eval record."""

    message: str
    line: int  # 0-based
    path: str | None = None  # None: the same file
    pointer: str = ""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` of the document with ``new_text`` (code-point offsets)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    # Unsafe fixes may drop content the user meant to keep (a commented-out record, a duplicate):
    # offered as code actions, applied by `ftlint --fix` only with --unsafe-fixes (as in ruff).
    safe: bool = True


Target = Literal["value", "key", "record", "line"]


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule returns.

    ``pointer`` locates the problem inside ``example`` (the current record for
    example rules). ``target="key"`` underlines the member name instead of its
    value. Document rules give ``line`` and columns instead.
    """

    message: str
    pointer: str = ""
    target: Target = "value"
    example: "Example | None" = None
    severity: Severity | None = None  # None: the rule's configured severity
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    # Exact sub-range inside the record text (code-point offsets), e.g. a secret inside a string:
    # see Example.substring_range. Takes precedence over pointer/target.
    offset: int | None = None
    end_offset: int | None = None
    line: int | None = None  # document rules: 0-based line
    col: int = 0
    end_col: int | None = None  # None: end of line
    end_line: int | None = None
    data: dict | None = None  # machine-readable extras (scores, groups) for JSON output


class Example:
    """A parsed record as rules see it."""

    __slots__ = ("record", "path", "dialect")

    def __init__(self, record: "Record", path: str, dialect: str | None = None):
        self.record = record
        self.path = path
        self.dialect = dialect

    @property
    def data(self) -> Any:
        return self.record.data

    @property
    def text(self) -> str:
        return self.record.text

    @property
    def line(self) -> int:
        return self.record.line

    @property
    def index(self) -> int:
        return self.record.index

    @property
    def ok(self) -> bool:
        return self.record.error is None

    @property
    def content_hash(self) -> str:
        return self.record.content_hash

    def has(self, pointer: str) -> bool:
        return pointer in self.record.spans()

    def substring_range(self, pointer: str, start: int, end: int) -> tuple[int, int]:
        """Record-text offsets of characters ``start:end`` of the decoded string at ``pointer``.

        Walks the JSON escapes of the raw literal, so a match found in the decoded
        string is underlined exactly in the file (``\\n``, ``\\u00e9`` and surrogate pairs included).
        """
        from ftlsp.jsonparse import decoded_to_raw

        ks, ke, vs, ve = self.record.spans()[pointer]
        a, b = decoded_to_raw(self.record.text[vs:ve], start, end)
        return vs + a, vs + b

    def replace_value(self, pointer: str, new_json: str) -> Edit:
        """An edit replacing the JSON value at ``pointer`` with ``new_json`` (already serialised)."""
        ks, ke, vs, ve = self.record.spans()[pointer]
        return Edit(self.record.start + vs, self.record.start + ve, new_json)

    def __repr__(self) -> str:  # pragma: no cover
        return f"Example({self.path}:{self.line + 1})"


@dataclass(frozen=True)
class NoOptions:
    pass


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case name of the bad pattern, e.g. "missing-assistant-turn"
    summary: ClassVar[str]
    default_severity: ClassVar[Severity] = Severity.WARNING
    # Which dialects the rule applies to; None: every dialect.
    dialects: ClassVar[frozenset[str] | None] = None
    # Fixable rules offer ``Finding.fix``.
    fixable: ClassVar[bool] = False
    # Off unless selected (expensive or opinionated rules).
    default_enabled: ClassVar[bool] = True
    # Slow rules run in the editor's background pass only.
    slow: ClassVar[bool] = False
    Options: ClassVar[type] = NoOptions

    def __init__(self, options: Any = None):
        self.options = options if options is not None else self.Options()

    @classmethod
    def make_options(cls, values: dict[str, Any]) -> Any:
        """Build the typed options from config values, naming any unknown or mistyped key."""
        fields = {f.name: f for f in dataclasses.fields(cls.Options)}
        clean = {}
        for key, value in values.items():
            k = key.replace("-", "_")
            if k not in fields:
                known = ", ".join(sorted(fields)) or "none"
                raise ValueError(f"{cls.code}: unknown option {key!r} (options: {known})")
            clean[k] = _coerce(cls.code, k, fields[k], value)
        return cls.Options(**clean)

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    def applies_to(self, dialect: str | None) -> bool:
        return self.dialects is None or dialect in self.dialects

    def active(self, ctx: "Context") -> bool:
        """False when the rule can report nothing in this file whatever its records (a limit or
        schema option left unset): the engine then skips it for the file. Asked once per file."""
        return True


def _coerce(code: str, name: str, f: dataclasses.Field, value: Any) -> Any:
    default = f.default if f.default is not dataclasses.MISSING else (
        f.default_factory() if f.default_factory is not dataclasses.MISSING else None)  # type: ignore[misc]
    if default is None or value is None:
        return value
    want = type(default)
    if want is bool:
        if isinstance(value, bool):
            return value
    elif want is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    elif want is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    elif want is str and isinstance(value, str):
        return value
    elif want in (tuple, frozenset, list) and isinstance(value, (list, tuple)):
        return want(value)
    elif want is dict and isinstance(value, dict):
        return value
    else:
        return value if isinstance(value, want) else _bad(code, name, want, value)
    return _bad(code, name, want, value)


def _bad(code: str, name: str, want: type, value: Any) -> Any:
    raise ValueError(f"{code}: option {name!r} must be {want.__name__}, got {value!r}")


class ExampleRule(Rule):
    # True: also called for records that failed to parse (ex.ok is False, ex.data is None).
    wants_invalid: ClassVar[bool] = False
    # Rules that share one analysis may name a common function ``clean_check(ex, ctx) -> bool``;
    # the engine calls it once per record and skips every rule of the group when it returns True.
    clean_check: ClassVar[Any] = None

    def check(self, ex: Example, ctx: "Context") -> Iterable[Finding]:
        raise NotImplementedError


class DatasetRule(Rule):
    slow: ClassVar[bool] = True
    # True: also sees records that did not parse or are not objects.
    wants_invalid: ClassVar[bool] = False

    def start(self, ctx: "Context") -> None:
        pass

    def add(self, ex: Example) -> None:
        raise NotImplementedError

    def finish(self, ctx: "Context") -> Iterable[Finding]:
        raise NotImplementedError


class CollectingRule(DatasetRule):
    """A dataset rule that judges all records at once: they are collected, then ``report`` runs.

    The list is handed over and dropped after the run, so a rule object that the editor keeps
    between passes does not keep the previous document alive. The engine may hand several rules
    the same list: ``report`` reads it and never changes it.
    """

    def start(self, ctx: "Context") -> None:
        self.examples: list[Example] = []
        self.add = self.examples.append  # called per record: a C call

    def add(self, ex: Example) -> None:  # replaced in start() by the list's append
        self.examples.append(ex)

    def finish(self, ctx: "Context") -> Iterable[Finding]:
        examples, self.examples = self.examples, []
        self.__dict__.pop("add", None)
        return self.report(examples, ctx)

    def report(self, examples: list[Example], ctx: "Context") -> Iterable[Finding]:
        raise NotImplementedError


class DocumentRule(Rule):
    def check_document(self, doc: "Document", ctx: "Context") -> Iterable[Finding]:
        raise NotImplementedError


@dataclass(slots=True)
class Diagnostic:
    """A resolved finding: rule, place and message. Lines and columns 0-based, code points."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    record_hash: str | None = None
    data: dict | None = None
    extra: dict = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code)
