"""A rule's docstring is its documentation; its Bad/Good examples are runnable.

Sections understood in a docstring (each an indented block after the header):
``Bad:`` / ``Good:`` (file contents, one JSONL record per line), ``Bad (bytes):`` /
``Good (bytes):`` (a Python bytes literal, for encodings and line endings),
``Eval:`` (an eval file passed as ``--eval`` with every Bad/Good example).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_HEADER = re.compile(r"^(\s*)(Bad|Good|Eval)(?: \((bytes)\))?:\s*$")


@dataclass(frozen=True)
class DocExample:
    kind: str  # Bad | Good | Eval
    content: bytes


def examples(doc: str) -> list[DocExample]:
    lines = doc.splitlines()
    out: list[DocExample] = []
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        block: list[str] = []
        i += 1
        while i < len(lines):
            ln = lines[i]
            if ln.strip() and (len(ln) - len(ln.lstrip())) <= indent:
                break
            block.append(ln)
            i += 1
        while block and not block[-1].strip():
            block.pop()
        while block and not block[0].strip():
            block.pop(0)
        body_indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
        text = "\n".join(b[body_indent:] for b in block)
        if m.group(3) == "bytes":
            content = ast.literal_eval(text.strip())
            if not isinstance(content, bytes):
                raise ValueError(f"{m.group(2)} (bytes) block is not a bytes literal: {text!r}")
        else:
            content = (text + "\n").encode() if text else b""
        out.append(DocExample(m.group(2), content))
    return out


def markdown(cls) -> str:
    """The rule's documentation as a markdown section (for docs/rules.md)."""
    doc = cls.doc()
    return f"## {cls.code} {cls.name}\n\n*{cls.default_severity.label}*" \
           f"{', fixable' if cls.fixable else ''}{'' if cls.default_enabled else ', opt-in'}\n\n```text\n{doc}\n```\n"
