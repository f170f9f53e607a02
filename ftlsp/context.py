"""What a rule may know about the file it checks, beyond the record itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.config import Config
    from ftlsp.document import Document


@dataclass
class Context:
    config: "Config"
    path: str
    document: "Document | None" = None
    dialect: str | None = None
    is_eval: bool = False
    # Other files of this run: training files (when this one is an eval set) and eval files.
    train_paths: tuple[str, ...] = ()
    eval_paths: tuple[str, ...] = ()
    # Shared across files of one run (CLI) or one workspace (server): tokenizers, indexes, caches.
    services: dict[str, Any] = field(default_factory=dict)
    # Per-file summary that rules contribute to (tokens, cost); goes into JSON output files[].
    info: dict[str, Any] = field(default_factory=dict)
    # Per-file values the rules of one lint share (e.g. the content rules' features of the records).
    scratch: dict[str, Any] = field(default_factory=dict)
    # One-time notices ("semantic rules skipped: install ftlsp[embeddings]"), deduplicated by the CLI.
    notices: list[str] = field(default_factory=list)
    # Set by the server: long rules call it to report progress (0-100) and learn if superseded.
    progress: Callable[[str, float], bool] | None = None

    def service(self, key: str, factory: Callable[[], Any]) -> Any:
        """A shared object built once per run (or workspace) and reused."""
        try:
            return self.services[key]
        except KeyError:
            value = self.services[key] = factory()
            return value

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def cancelled(self, label: str = "", fraction: float = 0.0) -> bool:
        """Report progress; True when newer edits made this work obsolete (stop early)."""
        return bool(self.progress and self.progress(label, fraction))
