"""ftlsp: a language server and linter for LLM fine-tuning data."""

__version__ = "0.1.0"
