"""One pass over the texts of a record: placeholders, boilerplate, encoding damage, personal data, secrets.

Every FT7xx rule that looks for something *inside* a string reads the same
``RecordScan``: the record is scanned once (cached for the rules that follow
on the same record) and each rule keeps the hits of its kind. Each detector is
gated by a cheap test (``'@' in s``, ``s.isascii()``, a digit-run search with
a literal first-character set) so that clean prose costs a handful of C-level
scans per string. Hits carry decoded-string offsets; rules map them to the
file with ``Example.substring_range``.

Hits keep the matched value for validation and allow-lists; messages and
finding data use ``shown``, which is masked for personal data and secrets.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from ftlsp import fields
from ftlsp.content import pii


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # placeholder | refusal | mojibake | replacement | email | phone | card | iban | ip | secret
    turn: int  # index in RecordScan.turns
    start: int  # offsets in the decoded string of that turn
    end: int
    value: str  # the matched text: never print it for personal data or secrets
    shown: str  # what a message may quote (masked where needed)
    detail: str = ""  # sub-kind: "OpenAI API key", "Visa", "{{var}}", ...
    fix: str | None = None  # replacement text (repaired mojibake)
    score: float = 0.0  # entropy of a generic secret (bits per character)


@dataclass(slots=True)
class RecordScan:
    turns: list[fields.Turn]
    hits: list[Hit] = field(default_factory=list)
    prompt_mentions_template: bool = False

    def of(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.kind == kind]


# -- placeholders ----------------------------------------------------------------------------------

_BRACKET_WORDS = (
    r"your|insert|enter|add|fill[ -]in|placeholder|tbd|todo|x{3,}|"
    r"(?:first |last |full |company |product |customer |client |recipient'?s? |sender'?s? |user'?s? )?name|"
    r"company|date|address|phone(?: number)?|e-?mail(?: address)?|link|url|amount|city|product|recipient|"
    r"sender|customer|client")
# Each alternative: (group name, pattern, literals one of which every match contains).
_PLACEHOLDER_PARTS = (
    ("bracket", r"\[\s*(?i:" + _BRACKET_WORDS + r")\b[\w\s'’/,.&-]{0,60}\](?!\()", ("[",)),
    ("mustache", r"\{\{\s*[A-Za-z_][\w.\-]*\s*\}\}", ("{{",)),
    ("angle", r"<\s*(?i:insert|your|placeholder|enter)\b[^<>\n\x00]{0,60}>", ("<",)),
    ("todo", r"\b(?:TODO|FIXME)\b", ("TODO", "FIXME")),
    ("lorem", r"\bLorem [Ii]psum\b", ("Lorem ",)),
    ("here", r"\b(?:INSERT|ADD|PUT|PASTE)\b[^.\n\x00]{0,40}?\bHERE\b", ("HERE",)))
_PLACEHOLDER_LABEL = {"bracket": "[...] placeholder", "mustache": "{{...}} template variable",
                      "angle": "<...> placeholder", "todo": "TODO marker", "lorem": "Lorem ipsum filler",
                      "here": "INSERT ... HERE placeholder"}
# A prompt that asks for a template makes bracketed placeholders the right answer.
_TEMPLATE_WORDS = re.compile(r"(?i)\btemplates?\b|\bplaceholders?\b|\bfill[ -]in[ -]the[ -]blanks?\b|\bmail merge\b")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`", re.S)

# -- refusal and AI boilerplate (trained assistant outputs; FT708 runs it on outputs only) -------

_REFUSAL = re.compile(
    r"(?i)\bas an? (?:ai|artificial intelligence)(?: language model| model| assistant| chatbot|,)"
    r"|\bas an? (?:large )?language model\b"
    r"|\bi(?: am|'m|’m) (?:just |only |merely )?an? (?:ai|artificial intelligence|(?:large )?language model)\b"
    r"(?! (?:researcher|engineer|company|startup|ethic))"
    r"|\bi(?: am|'m|’m) sorry,? but (?:as an ai,? )?i (?:cannot|can't|can’t|am unable to|won't|am not able to)\b"
    r"|\bi (?:cannot|can't|can’t) (?:fulfill|comply with|assist with|help with) (?:that|this|your)\b"
    r"|\bi(?: am|'m|’m) (?:unable|not able) to (?:fulfill|comply with|assist with|help with) (?:that|this|your)\b"
    r"|\bmy (?:knowledge|training)(?: data)? (?:cutoff|cut-off)\b"
    r"|\bas of my (?:last )?(?:knowledge |training )?(?:update|cutoff|cut-off)\b"
    r"|\b(?:developed|created|trained) by openai\b"
    r"|\bi do(?: not|n't|n’t) have (?:personal )?(?:opinions|feelings|emotions|beliefs|personal preferences)\b")

# -- encoding damage ---------------------------------------------------------------------------------

# Characters a UTF-8 continuation byte (0x80-0xBF) becomes when decoded as cp1252 or Latin-1.
_CP1252 = {}
for _b in range(0x80, 0x100):
    _CP1252[chr(_b)] = _b
    try:
        _CP1252[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_CONT = "".join(sorted(c for c, b in _CP1252.items() if b < 0xC0))
_C = "[" + re.escape(_CONT) + "]"
# Lead bytes as Latin-1: Â/Ã (the usual é, °, ², nbsp) stand alone; other 2-byte leads need two
# pairs in a row (Cyrillic or Greek turned to Ð¿Ñ€...), so "CAFÉ…" is not taken for damage.
_MOJIBAKE = re.compile(
    "(?:[\u00c2\u00c3]" + _C + "|[\u00c4-\u00df]" + _C + "(?=[\u00c2-\u00df]" + _C + ")|(?<=" + _C + ")[\u00c4-\u00df]"
    + _C + "|[\u00e0-\u00ef]" + _C + "{2}|[\u00f0-\u00f4]" + _C + "{3}|\u00e2\u20ac)+")

# -- personal data -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])")
_FILE_TLDS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "pdf"}
_PHONE = re.compile(
    r"(?<![\w+.\-/])(?:"
    r"\+\d{1,3}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]\d{2,4}){1,4}"
    r"|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}"
    r"|\d{3}[.\-]\d{3}[.\-]\d{4}"
    r"|0\d(?:[ .]\d{2}){4}"
    r"|0\d{2,4}[ \-]\d{3,4}[ \-]\d{3,4}"
    r")(?![\w\-]|[.,]\d)")
_CARD = re.compile(r"(?<![\d.,\-])\d(?:[ \-]?\d){12,18}(?!\d|[.,]\d)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?![\w:])")
_GROUP_BEFORE = re.compile(r"\d[ \-]$")
_GROUP_AFTER = re.compile(r"[ \-]\d")
_VERSIONISH = re.compile(r"(?i)\b(?:version|release|build|ver\.?|v)\s*$")

# -- secrets -------------------------------------------------------------------------------------------

_AWS_PREFIXES = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")
_SECRET_PARTS = (
    ("openai", r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_\-]{20,}(?![\w-])", ("sk-",)),
    ("aws", r"(?<![A-Z0-9])(?:" + "|".join(_AWS_PREFIXES) + r")[A-Z0-9]{16}(?![A-Z0-9])", _AWS_PREFIXES),
    ("github", r"(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?!\w)",
     ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    ("slack", r"(?<!\w)xox[abposr]-[A-Za-z0-9\-]{10,}(?![\w-])", ("xox",)),
    ("google", r"(?<!\w)AIza[0-9A-Za-z_\-]{35}(?![\w-])", ("AIza",)),
    ("stripe", r"(?<!\w)[sr]k_live_[0-9A-Za-z]{16,}(?!\w)", ("k_live_",)),
    ("hf", r"(?<!\w)hf_[A-Za-z0-9]{30,}(?!\w)", ("hf_",)),
    ("jwt", r"(?<![\w-])eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", ("eyJ",)),
    ("pem", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*-----)?", ("-----BEGIN ",)))


class Alternation:
    """A regex of named alternatives, searched with only the alternatives that can match.

    Each alternative names literals one of which every match contains. An alternative whose
    literals are all absent from the text cannot match anywhere in it, so leaving it out gives
    exactly the matches of the whole alternation; the rest is one regex per subset (cached).
    A long alternation that starts with character classes is tested at every position, so
    this is what makes a long text with none of the literals cheap.
    """

    def __init__(self, parts, flags: int = 0):
        self.parts = parts
        self.flags = flags
        self.full = self._compile(tuple(range(len(parts))))
        self._cache: dict[tuple[int, ...], re.Pattern | None] = {}

    def _compile(self, idx: tuple[int, ...]) -> re.Pattern:
        return re.compile("|".join(f"(?P<{self.parts[i][0]}>{self.parts[i][1]})" for i in idx), self.flags)

    def for_text(self, s: str) -> re.Pattern | None:
        idx = tuple(i for i, (_, _, lits) in enumerate(self.parts) if any(lit in s for lit in lits))
        if not idx:
            return None
        rx = self._cache.get(idx)
        if rx is None:
            rx = self._cache[idx] = self._compile(idx)
        return rx

    def finditer(self, s: str):
        rx = self.for_text(s)
        return rx.finditer(s) if rx is not None else iter(())


_PLACEHOLDER = Alternation(_PLACEHOLDER_PARTS)
_SECRET = Alternation(_SECRET_PARTS, re.S)
_SECRET_LABEL = {"openai": "OpenAI API key", "aws": "AWS access key ID", "github": "GitHub token",
                 "slack": "Slack token", "google": "Google API key", "stripe": "Stripe live key",
                 "hf": "Hugging Face token", "jwt": "JSON Web Token", "pem": "private key block"}
_SECRET_PREFIX = {"openai": "sk-", "aws": "AKIA", "github": "gh", "slack": "xox", "google": "AIza",
                  "stripe": "sk_live_", "hf": "hf_", "jwt": "eyJ"}
# A credential keyword, then an assignment, then a long mixed token: the generic high-entropy secret.
# Every credential keyword below contains one of these (lowercased).
_KEYWORD_PARTS = ("key", "secret", "token", "passw", "pwd", "bearer")
_KEYWORD_SECRET = re.compile(
    r"(?i:\b(?:api[_\- ]?key|apikey|secret(?:[_\- ]?key)?|access[_\- ]?(?:key|token)|auth[_\- ]?token|token|"
    r"passw(?:or)?d|pwd|bearer|client[_\- ]?secret)\b)[\"']?\s*(?:[:=]|=>|\bis\b)?\s*[\"']?"
    r"(?P<value>[A-Za-z0-9+/_\-.=~]{16,})")
_DUMMY = re.compile(r"(?i)example|x{4,}|your|dummy|sample|placeholder|\*{3,}|\.\.\.|(.)\1{5,}|"
                    r"0123456789|1234567890|abcdefgh")
# Generic candidates below this are dropped here; FT713's entropy_threshold (default 3.5) decides the rest.
GENERIC_ENTROPY_FLOOR = 3.0


# -- scanning -------------------------------------------------------------------------------------------

_QUOTES = frozenset("\"'“‘«`")


def _in_code(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


def _placeholders(s: str, i: int, skip_brackets: bool, out: list[Hit], trained: bool = True) -> None:
    code: list[tuple[int, int]] | None = None
    for m in _PLACEHOLDER.finditer(s):
        kind = m.lastgroup or "bracket"
        if kind == "lorem" and (not trained or s[max(0, m.start() - 1):m.start()] in _QUOTES):
            continue  # Lorem ipsum as the input of a task, or quoted: data, not filler
        if code is None:
            code = [(c.start(), c.end()) for c in _CODE.finditer(s)] if "`" in s else []
        if _in_code(code, m.start()):
            continue  # `{{ var }}`, `# TODO` and `<your-key>` are fine inside code
        if skip_brackets and kind in ("bracket", "angle", "mustache"):
            continue
        out.append(Hit("placeholder", i, m.start(), m.end(), m.group(), _short(m.group()), _PLACEHOLDER_LABEL[kind]))


def _mojibake(s: str, i: int, out: list[Hit]) -> None:
    for m in _MOJIBAKE.finditer(s):
        run = m.group()
        try:
            fixed = bytes(_CP1252[c] for c in run).decode("utf-8")
        except (UnicodeDecodeError, KeyError):
            if "\u00e2\u20ac" in run:  # â€ with its third byte lost: a quote or dash that cannot be repaired
                out.append(Hit("mojibake", i, m.start(), m.end(), run, run, "UTF-8 read as Latin-1/cp1252"))
            continue
        out.append(Hit("mojibake", i, m.start(), m.end(), run, run, "UTF-8 read as Latin-1/cp1252", fixed))


def _pii(s: str, i: int, out: list[Hit], f: int) -> None:
    if f & AT:
        for m in _EMAIL.finditer(s):
            v = m.group()
            local, _, domain = v.rpartition("@")
            if domain.rsplit(".", 1)[-1].lower() in _FILE_TLDS or local == "git":
                continue
            out.append(Hit("email", i, m.start(), m.end(), v, pii.mask_email(v), "e-mail address"))
    if f & (NUM | TOK):
        # Cards, phone numbers and IPv4 addresses are seven or more digits and separators in a
        # row (NUM); IBANs and IPv6 addresses may instead show only a digit before a letter (TOK).
        taken: list[tuple[int, int]] = []
        for m in _CARD.finditer(s) if f & NUM else ():
            v = m.group()
            digits = re.sub(r"\D", "", v)
            if not _card_grouping(v) or not pii.luhn_ok(digits) or digits in pii.TEST_CARDS:
                continue
            brand = pii.card_brand(digits)
            if brand:
                taken.append(m.span())
                out.append(Hit("card", i, m.start(), m.end(), v, pii.mask_digits(v), brand))
        for m in _IBAN.finditer(s):
            hit = _iban(s, m)
            if hit:
                taken.append((hit[0], hit[1]))
                out.append(Hit("iban", i, hit[0], hit[1], hit[2], pii.mask_iban(hit[2]), "IBAN"))
        for m in _PHONE.finditer(s) if f & NUM else ():
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            v = m.group()
            a, b = m.span()
            if _GROUP_BEFORE.search(s, max(0, a - 2), a) or _GROUP_AFTER.match(s, b):
                continue  # a few groups of a longer number (an account, a card written oddly)
            if _phone_ok(v):
                out.append(Hit("phone", i, m.start(), m.end(), v, pii.mask_digits(v, 2), "phone number"))
        for m in _IPV4.finditer(s) if f & NUM else ():
            v = m.group()
            if pii.ip_global(v) and not _VERSIONISH.search(s[max(0, m.start() - 12):m.start()]):
                out.append(Hit("ip", i, m.start(), m.end(), v, pii.mask_ip(v), "IPv4 address"))
    if f & (NUM | TOK) and ("::" in s or s.count(":") >= 7):
        for m in _IPV6.finditer(s):
            v = m.group()
            if pii.ip_global(v):
                out.append(Hit("ip", i, m.start(), m.end(), v, pii.mask_ip(v), "IPv6 address"))


def _card_grouping(v: str) -> bool:
    """Card numbers are written solid or in groups of 4 (Amex 4-6-5, Diners 4-6-4), one separator kind."""
    seps = set(re.findall(r"[ \-]", v))
    if not seps:
        return True
    if len(seps) > 1:
        return False
    groups = [len(g) for g in re.split(r"[ \-]", v)]
    return groups in ([4, 6, 5], [4, 6, 4]) or (all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4)


def _phone_ok(v: str) -> bool:
    digits = re.sub(r"\D", "", v)
    if not 8 <= len(digits) <= 15 and not (len(digits) == 10 and not v.startswith("+")):
        return False
    if v.startswith("+1") or not v.startswith(("+", "0")):  # North American: NXX-NXX-XXXX, 555 is fictional
        nanp = digits[1:] if v.startswith("+1") else digits
        if len(nanp) != 10 or nanp[0] in "01" or nanp[3] in "01" or nanp[3:6] == "555" or nanp[:3] == "555":
            return False
    return True


def _iban(s: str, m: re.Match) -> tuple[int, int, str] | None:
    """(start, end, compact) of the IBAN the candidate starts with: greedy groups may take a following word."""
    raw = m.group()
    want = pii.IBAN_LENGTHS.get(raw[:2])
    if not want:
        return None
    n, end = 0, None
    for k, ch in enumerate(raw):
        if ch != " ":
            n += 1
            if n == want:
                end = k + 1
                break
    if end is None or (end < len(raw) and raw[end] != " "):
        return None
    compact = raw[:end].replace(" ", "")
    return (m.start(), m.start() + end, compact) if pii.iban_ok(compact) else None


def _secrets(s: str, i: int, out: list[Hit]) -> None:
    spans: list[tuple[int, int]] = []
    for m in _SECRET.finditer(s):
        kind = m.lastgroup or "openai"
        v = m.group()
        if kind == "pem":
            head = v.split("-----")[1]
            out.append(Hit("secret", i, m.start(), m.end(), v, f"-----{head}----- (key hidden)", _SECRET_LABEL[kind]))
            spans.append(m.span())
            continue
        if _DUMMY.search(v) or pii.entropy(v) < 3.0 or pii.char_classes(v) < 2:
            continue  # sk-xxxxxxxx..., AKIAIOSFODNN7EXAMPLE and friends are documentation
        label = "Anthropic API key" if v.startswith("sk-ant-") else _SECRET_LABEL[kind]
        out.append(Hit("secret", i, m.start(), m.end(), v, pii.mask_secret(v, _SECRET_PREFIX[kind]), label))
        spans.append(m.span())
    low = s.lower().replace("ſ", "s")  # (?i) also matches the long s (and the Kelvin sign, which lower() folds)
    if not any(k in low for k in _KEYWORD_PARTS):
        return
    for m in _KEYWORD_SECRET.finditer(s):
        a = m.start("value")
        v = m.group("value").rstrip(".")
        b = a + len(v)
        if any(x < b and a < y for x, y in spans) or len(v) < 16 or _DUMMY.search(v):
            continue
        if pii.char_classes(v) >= 2 and any(c.isdigit() for c in v):
            e = pii.entropy(v)
            if e >= GENERIC_ENTROPY_FLOOR:
                out.append(Hit("secret", i, a, b, v, pii.mask_secret(v), "high-entropy credential", score=e))


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


# -- the gate ------------------------------------------------------------------------------------------
#
# Most records contain nothing to report, so the first question is cheap: does the text contain a
# trigger at all? Each trigger is a substring test (``in``, memchr speed), a regex with a single
# literal first character (which ``re`` finds with a fast search), or a test on the UTF-8 bytes
# after one ``bytes.translate`` (digits -> "0", letters -> "a", separators -> "."). A regex whose
# first character is a class ("[0-9]...") or an alternation of literals makes ``re`` test a
# character set at every position, ~10x slower: none is used here. Each trigger is a substring
# of what its detector matches, so a text without triggers has no hits; triggers survive JSON
# encoding (letters, digits and these separators are never escaped), so the raw text of a record
# without triggers (and without \u escapes that could hide one) is clean and is not even split
# into turns.

NUM, TOK, AT, PH, BAD, MOJI, PEM = 1, 2, 4, 8, 32, 64, 128

_TABLE = bytearray(range(256))
for _ch in b"0123456789":
    _TABLE[_ch] = ord("0")
for _ch in b"abcdefghijklmnopqrstuvwxyz_":
    _TABLE[_ch] = ord("a")
for _ch in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _TABLE[_ch] = ord("A")
for _ch in b" .()/:-":
    _TABLE[_ch] = ord(".")
_TABLE = bytes(_TABLE)
# After translation: "[Your" -> "[Aaaa", "{{ x }}" -> "{{.a.}}", "TODO"/"FIXME"/"HERE"/"BEGIN" -> "AAAA".
# One regex per first character: a single literal prefix is found with a fast scan, where ``in``
# slows down on needles ending in a common byte ("a", ".").
_PH_BYTES = tuple(re.compile(p).search for p in (rb"\[[aA.]", rb"<[aA.]", rb"\{\{", rb"AAAA"))
_LOREM = re.compile("Lorem ipsum")
_NUM_RUN = re.compile(rb"0[0.]{5,}0")  # seven+ characters of digits and separators: phone, card, IBAN, IP
_TOK_BYTES = re.compile(rb"0[aA]")  # a digit then a letter: tokens, keys, IBANs written solid
# A Latin-1 lead (U+00C2-U+00F4: bytes C3 82-B4) followed by a continuation character as cp1252.
_MOJI_BYTES = re.compile(rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|"
                         rb"\xcb[\x86\x9c]|\xe2(?:\x80[\x93\x94\x98-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\x82\xac|\x84\xa2))")
# JSON escapes that could hide a trigger: \u00c0-\u00ff (mojibake leads), \ufffd, escaped printable
# ASCII \u0020-\u007f (a "<", "[" or letter written as an escape: JSON writers never do it), \/.
_ESCAPE_GATE = re.compile(r"\\(?:u00[2-7c-fC-F]|u[fF]{3}[dD]|/)")
# Anchors for refusals (case-sensitive, in the usual capitalisation): "As an AI", "OpenAI", "I'm sorry",
# "I cannot fulfill", "knowledge cutoff", "As of my last update", "personal opinions".
REFUSAL_ANCHORS = ("AI", "language model", "orry", "fulfill", "comply", "assist with", "help with", "cutoff",
                   "cut-off", "of my", "opinions", "feelings", "emotions", "beliefs")


def triggers(text: str) -> int:
    """Which detectors may find something in the decoded string ``text`` (0: certainly nothing)."""
    f = AT if "@" in text else 0
    if text.isascii():
        b = text.encode("ascii")
    else:
        if "\ufffd" in text:
            f |= BAD
        b = text.encode("utf-8", "surrogatepass")
        if _MOJI_BYTES.search(b):
            f |= MOJI
    bt = b.translate(_TABLE)
    for search in _PH_BYTES:
        if search(bt):
            f |= PH | PEM
            break
    else:
        if _LOREM.search(text):
            f |= PH
    if _TOK_BYTES.search(bt):
        f |= TOK
    if _NUM_RUN.search(bt):
        f |= NUM
    return f


# -- the record gate ---------------------------------------------------------------------------------
#
# ``record_gate`` asks the questions of ``triggers`` once for the raw text of a whole record (plus:
# may a JSON escape hide a trigger?), in fewer passes: single characters first (memchr speed), then
# one search per literal first byte. In its own translation "{" reads as a capital, so the search
# for two adjacent capitals also covers "{{" (a record with such a pair then gets the exact checks).
# Number runs stop at a period followed by a space ("in 2019. 3226 students"): no phone, card, IP
# or IBAN has one, and those that a run must reach from outside (a short IPv6 such as "1::", an
# IBAN with short digit groups) need "::" or two adjacent capitals, whose records get whole runs.
# Each answer errs towards "may hold": the tests hold it to "a record it calls clean has no hit".

RAW_HIT, UPPER_PAIR = 1, 2
_ALL = RAW_HIT | UPPER_PAIR
_RAW_TABLE = bytearray(_TABLE)
_RAW_TABLE[ord("{")] = ord("A")
_RAW_TABLE[ord(".")] = ord("p")  # a period, told apart so that "2019. 3226" is not a number run:
_RAW_TABLE[ord(" ")] = ord("s")  # no phone, card, IBAN or IP has a period followed by a space
_RAW_TABLE = bytes(_RAW_TABLE)
_UPPER_PAIR = re.compile(rb"AA").search
_UPPER_RUN = re.compile(rb"AAAA").search
# The token and number-run triggers ("0[aA]" and "0[0.]{5,}0" of ``triggers``), runs cut at ". ".
_DIGIT_LED = re.compile(rb"0(?:[aA]|(?:[0.s]|p(?!s)){5,}0)").search
_WHOLE_RUN = re.compile(rb"0[0.sp]{5,}0").search
_ANGLE_RAW = re.compile(rb"<[A-Za-z_ .()/:\-]").search  # = <[aA.] after translation
_WORDISH = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_ .()/:-")  # = [aA.]
_MOJI_RAW = _MOJI_BYTES.search
_ESCAPE_RAW = _ESCAPE_GATE.search


def _record_gate_py(record_text: str) -> int:
    """What the raw text of a record may hold (0: nothing the scan reports, no two adjacent capitals).

    RAW_HIT: a scan trigger (placeholder, mojibake, U+FFFD, personal data, secret) may be there;
    UPPER_PAIR: two capitals may be adjacent (FT708's "AI" anchor needs that).
    """
    text = record_text
    if "@" in text:
        return _ALL
    if text.isascii():
        b = text.encode("ascii")
    else:
        if "\ufffd" in text:
            return _ALL
        b = text.encode("utf-8", "surrogatepass")
        if b"\xc3" in b and _MOJI_RAW(b):
            return _ALL
    if "\\" in text and _ESCAPE_RAW(text):
        return _ALL
    i = b.find(b"[")
    while i >= 0:  # "[" then a letter or separator; raw JSON has a few "[" of its own, rarely more
        if b[i + 1:i + 2] and b[i + 1] in _WORDISH:
            return _ALL
        i = b.find(b"[", i + 1)
    if ("<" in text and _ANGLE_RAW(b)) or (b"L" in b and b"Lorem ipsum" in b):
        return _ALL
    bt = b.translate(_RAW_TABLE)
    pair = _UPPER_PAIR(bt)
    if _DIGIT_LED(bt) or ((pair or b"::" in b) and _WHOLE_RUN(bt)):
        return _ALL
    if pair:
        if _UPPER_RUN(bt) or b"{{" in b:
            return _ALL
        return UPPER_PAIR
    return 0


record_gate = _record_gate_py  # replaced by the C version below when it is built


def raw_clean(record_text: str) -> bool:
    """True when no string of the record can contain anything the scan reports."""
    return not record_gate(record_text) & RAW_HIT


def scan_turns(turns: list[fields.Turn]) -> RecordScan:
    rs = RecordScan(turns)
    out = rs.hits
    for i, t in enumerate(turns):
        s = t.text
        f = triggers(s) if s else 0
        if not f:
            continue
        if f & PH:
            skip = t.role == "assistant" and _mentions_template(turns)
            _placeholders(s, i, skip, out, t.trained)
        if f & BAD:
            for m in _FFFD.finditer(s):
                out.append(Hit("replacement", i, m.start(), m.end(), m.group(), m.group(), "U+FFFD"))
        if f & MOJI:
            _mojibake(s, i, out)
        if f & (AT | NUM | TOK):
            _pii(s, i, out, f)
        if f & (TOK | PEM):
            _secrets(s, i, out)
    return rs


_FFFD = re.compile("\ufffd+")


def refusals(text: str) -> list[re.Match]:
    """AI/refusal boilerplate in one output (cheap anchor test first)."""
    if not refusal_anchor(text):
        return []
    return list(_REFUSAL.finditer(text))


def refusal_anchor(text: str, upper_pair: int | bool = True) -> bool:
    """Does ``text`` contain one of REFUSAL_ANCHORS? ``upper_pair`` false: the caller knows that no
    two capitals are adjacent in it, so "AI" cannot be there."""
    if upper_pair and "AI" in text:
        return True
    for w in _LOWER_ANCHORS:
        if w in text:
            return True
    return False


_LOWER_ANCHORS = tuple(w for w in REFUSAL_ANCHORS if w != "AI")

# A necessary condition of a _REFUSAL match, in one search. Every alternative starts with "as",
# "i", "my" or "by" and a space or an apostrophe ("as an ai", "i'm sorry", "my knowledge", "trained
# by openai"). The text's UTF-8 bytes are folded: lowercased, s, i and y read as "#", both
# apostrophes as a space (the first two bytes of ’ dropped), so every start reads "# " and one
# literal-led search finds them all; the alternatives stop after their first distinctive word.
# (?i) also matches four non-ASCII letters to ASCII ones: İ and ı (C4 B0/B1) and ſ (C5 BF) fold
# to "#", the Kelvin sign K (E2 84 AA) to "k"; the other characters sharing these bytes only
# gain false starts.
_FOLD = bytearray(range(256))
for _c in range(ord("A"), ord("Z") + 1):
    _FOLD[_c] = _c + 32
for _c in b"siySIY\xb0\xb1\xbf":
    _FOLD[_c] = ord("#")
_FOLD[ord("'")] = _FOLD[0x99] = ord(" ")
_FOLD[0xAA] = ord("k")
_FOLD = bytes(_FOLD)
_FOLD_DROP = b"\xe2\x80\x84\xc4\xc5"


def _fold(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass").translate(_FOLD, _FOLD_DROP)


# Each phrase start: (the letter before the "#", or "" for any; what follows "# ").
_STARTS = (
    *(("a", w) for w in ("an ai", "a ai", "an artificial", "a artificial", "a language model",  # as ...
                         "an language model", "a large language model", "an large language model", "of my ")),
    *(("", w) for w in ("am ", "m ", "cannot ", "can't ", "do not have ", "don't have ")),  # i ...
    ("m", "knowledge"), ("m", "training"), ("b", "openai"))  # my ..., by openai
_REFUSAL_START = re.compile(b"# (?:" + b"|".join(
    _fold(w) if not prev else b"(?<=" + prev.encode() + b"# )" + _fold(w) for prev, w in _STARTS) + b")").search


def _refusal_possible_py(text: str) -> bool:
    """False when ``_REFUSAL`` certainly has no match in ``text`` (a necessary condition)."""
    return _REFUSAL_START(_fold(text)) is not None


refusal_possible = _refusal_possible_py

# The C versions (ftlsp/_speedups.c) answer exactly as the Python ones above (tests compare
# them); the module is optional, so an install without a compiler only runs slower.
try:
    from ftlsp import _speedups
except ImportError:  # pragma: no cover - depends on the build
    _speedups = None
if os.environ.get("FTLSP_NO_SPEEDUPS"):  # the pure-Python path on purpose (debugging, measuring)
    _speedups = None
if _speedups is not None:
    _speedups.configure_refusal(_FOLD, _FOLD_DROP, [(_fold(w), ord(prev) if prev else -1) for prev, w in _STARTS])
    record_gate = _speedups.record_gate
    refusal_possible = _speedups.refusal_possible


def _mentions_template(turns: list[fields.Turn]) -> bool:
    return any(t.role in ("user", "system") and _TEMPLATE_WORDS.search(t.text) for t in turns)
