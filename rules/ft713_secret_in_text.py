from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class SecretInText(ScanRuleMixin, ExampleRule):
    """An API key, token or private key in the data.

    What: credentials recognised by their prefix (OpenAI ``sk-``, Anthropic
    ``sk-ant-``, AWS ``AKIA``/``ASIA``, GitHub ``ghp_``/``github_pat_``, Slack
    ``xox?-``, Google ``AIza``, Stripe ``sk_live_``, Hugging Face ``hf_``,
    JSON Web Tokens), private key blocks (``-----BEGIN ... PRIVATE KEY-----``),
    and high-entropy tokens assigned to a credential word (``api_key =``,
    ``token:``, ``password:``, ``Bearer``). Documentation keys (containing
    EXAMPLE, xxxx, "your", repeated characters) are skipped. Messages and
    finding data never carry the secret: only its prefix and last characters.

    Why: a key in training data is leaked to everyone who can prompt the
    model, and to whoever stores the file. Rotate it, then remove it.

    Options: ``allow`` (substrings of keys to accept), ``entropy_threshold``
    (bits per character for keyword-assigned tokens, default 3.5), ``roles``.

    Bad:
        {"messages": [{"role": "user", "content": "Why does this fail? client = OpenAI(api_key='sk-proj-Qz8rT2mK9pL4vX7nB3cW6yH1jF5dS0aE')"}, {"role": "assistant", "content": "Check the model name."}]}

    Good:
        {"messages": [{"role": "user", "content": "Why does this fail? client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])"}, {"role": "assistant", "content": "Check the model name."}]}
    """

    code = "FT713"
    name = "secret-in-text"
    summary = "Text contains an API key, token or private key"
    default_severity = Severity.ERROR
    kind = "secret"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()
        entropy_threshold: float = 3.5

    def keep(self, h, t):
        if h.score and h.score < self.options.entropy_threshold:
            return False
        return super().keep(h, t)

    def message(self, h, t):
        return f"{h.detail} {h.shown} in {where(t)}: rotate the credential and remove it from the data"
