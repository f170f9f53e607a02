import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = Path(os.environ.get("FTLSP_REALDATA", ROOT.parent / "shared" / "realdata"))


def realdata(rel: str) -> Path:
    """A file of ../shared/realdata, or skip the test when the folder is absent (licences: read, never copy)."""
    p = REALDATA / rel
    if not p.exists():
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture
def lint_text(tmp_path):
    """Lint a string as a file; returns the list of diagnostics."""
    from ftlsp.config import Config
    from ftlsp.engine import Linter
    from ftlsp.document import Document

    def run(text, name="data.jsonl", **config):
        cfg = Config().replace(**config)
        doc = Document.from_bytes(name, text.encode() if isinstance(text, str) else text)
        return Linter(cfg).lint(doc).diagnostics

    return run
