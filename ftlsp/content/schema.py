"""JSON Schema validation of outputs and tool-call arguments, with errors located inside the string.

Validators are built once per schema (file: keyed by path and modification
time; inline tool schemas: keyed by their canonical JSON). Errors are
described by the failing field (a JSON pointer into the output), the schema
keyword and jsonschema's message; ``locate`` finds the field's range inside
the output text so the diagnostic underlines exactly the bad value.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any

import orjson

from ftlsp import jsonparse

_lock = threading.Lock()
_files: dict[tuple[str, int], Any] = {}
_inline: dict[bytes, Any] = {}
_INLINE_MAX = 2048


class SchemaLoadError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SchemaError:
    pointer: str  # JSON pointer of the failing value inside the instance ("" = the whole output)
    keyword: str  # the schema keyword that failed: required, type, enum, ...
    message: str


def _validator(schema: Any):
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError as JsSchemaError

    if not isinstance(schema, (dict, bool)):
        raise SchemaLoadError("a JSON Schema must be an object")
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except JsSchemaError as e:
        raise SchemaLoadError(f"invalid JSON Schema: {e.message}") from None
    return cls(schema)


def file_validator(path: str):
    """The validator of a schema file; raises SchemaLoadError with a readable reason."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError as e:
        raise SchemaLoadError(f"cannot read schema {path}: {e.strerror}") from None
    key = (path, mtime)
    v = _files.get(key)
    if v is None:
        try:
            with open(path, "rb") as fh:
                schema = json.loads(fh.read())
        except (OSError, ValueError) as e:
            raise SchemaLoadError(f"cannot read schema {path}: {e}") from None
        v = _validator(schema)
        with _lock:
            _files[key] = v
    return v


def inline_validator(schema: Any):
    """Validator of a schema embedded in the data (a tool's ``parameters``); None if it is not a valid schema."""
    try:
        key = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    v = _inline.get(key)
    if v is None:
        try:
            v = _validator(schema)
        except SchemaLoadError:
            v = False
        with _lock:
            if len(_inline) >= _INLINE_MAX:
                _inline.clear()
            _inline[key] = v
    return v or None


def errors(validator, instance: Any, limit: int = 3) -> list[SchemaError]:
    """Up to ``limit`` errors, deepest first within each path, in document order."""
    if validator.is_valid(instance):
        return []
    out: list[SchemaError] = []
    errs = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), -len(e.path)))
    seen: set[str] = set()
    for e in errs:
        ptr = "".join("/" + jsonparse.escape_pointer_token(str(p)) for p in e.absolute_path)
        if e.validator == "required" and isinstance(e.instance, dict) and isinstance(e.validator_value, list):
            missing = [str(r) for r in e.validator_value if r not in e.instance]
            msg = f"missing required field{'s' if len(missing) > 1 else ''} " + ", ".join(map(repr, missing))
        elif e.validator == "additionalProperties" and isinstance(e.instance, dict) and isinstance(e.schema, dict):
            known = set(e.schema.get("properties", {}))
            pats = e.schema.get("patternProperties", {})
            extra = [k for k in e.instance if k not in known and not any(_re_search(p, k) for p in pats)]
            if extra:
                ptr += "/" + jsonparse.escape_pointer_token(extra[0])
            msg = f"unexpected field{'s' if len(extra) > 1 else ''} " + ", ".join(map(repr, extra)) \
                if extra else e.message
        elif e.validator in ("anyOf", "oneOf", "allOf") and e.context:
            deep = max(e.context, key=lambda c: len(c.absolute_path))
            msg = f"{deep.message} (in {e.validator})"
        else:
            msg = e.message
        if ptr in seen:
            continue
        seen.add(ptr)
        out.append(SchemaError(ptr, str(e.validator), msg))
        if len(out) >= limit:
            break
    return out


def _re_search(pattern: str, key: str) -> bool:
    import re

    try:
        return re.search(pattern, key) is not None
    except re.error:
        return False


def locate(text: str, pointer: str) -> tuple[int, int] | None:
    """Range of the value at ``pointer`` inside the JSON ``text`` (or its nearest ancestor)."""
    sp = jsonparse.spans(text)
    p = pointer
    while True:
        s = sp.get(p)
        if s is not None:
            return s[2], s[3]
        if not p:
            return None
        p = p.rsplit("/", 1)[0]


def field_name(pointer: str) -> str:
    return pointer if pointer else "(root)"
