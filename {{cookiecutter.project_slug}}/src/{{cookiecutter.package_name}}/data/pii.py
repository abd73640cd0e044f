"""Personal data (PII) in a table: found by column names and by the values' shapes.

:func:`scan` looks at every column of a frame two ways:

- its **name**: the words of ``customer_email``, ``PhoneNumber`` or ``ip address`` are
  compared with :data:`NAME_HINTS` (e-mail, phone, name, SSN, IBAN, IP address, ...);
- its **values**: a deterministic sample of up to :data:`SAMPLE_ROWS` non-missing
  cells, each stripped and matched whole against bounded patterns: e-mail addresses,
  phone numbers, payment card numbers (13 to 19 digits passing the Luhn check), IBANs
  (passing the ISO 13616 mod-97 check), US social security numbers (SSA's rules: no
  area 000, 666 or 9xx), UK National Insurance numbers (HMRC's prefix rules) and
  IPv4/IPv6 addresses (IPv6 confirmed by :mod:`ipaddress`). A column is flagged when
  at least :data:`MIN_SHARE` of its sampled values match one kind (and at least
  :data:`MIN_MATCHES` of them), so one stray address in a column of notes does not
  flag it.

Every pattern has bounded repetition and is matched only on cells of at most
:data:`MAX_CELL` characters, so a crafted long string cannot make it backtrack for
long; cells are read as text and never evaluated (``=HYPERLINK(...)`` is a string).
A finding names the column, the kind and an example row, never the value itself.

What it cannot see: personal data inside free text (a name or an address in a
comment: only whole cells are matched), names, postal addresses and dates of birth
in the values (no pattern tells them apart from other text or dates), identifiers of
other countries, values encoded, hashed or split over columns, a column whose PII
shows only in rows the sample skips, and quasi-identifiers (age, postcode and sex
together single a person out though none is PII alone). Float columns are not
matched: a number read as a float has lost the digits an identifier needs.

:func:`protect` applies the contract's ``pii:`` declarations: ``drop`` removes the
column, ``hash`` replaces each value by its HMAC-SHA256 under a salt read from the
environment variable :data:`SALT_VARIABLE` (never from a file in the repository).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from {{ cookiecutter.package_name }}.data.contract import Contract
from {{ cookiecutter.package_name }}.errors import InputError, quote

SALT_VARIABLE = "{{ cookiecutter.package_name.upper() }}_PII_SALT"
SAMPLE_ROWS = 2000  # non-missing values sampled per column
MIN_SHARE = 0.1  # of the sampled values, this share must match one kind
MIN_MATCHES = 2  # ... and at least this many (fewer if the column has fewer values)
MAX_CELL = 254  # longer cells are not matched (the longest e-mail address is 254)
MIN_SALT = 16  # characters of salt, at least

# The words of a column name that say what it holds (kind -> words, and word pairs
# written together, such as "firstname"). A name is split into lower-case words at
# anything not a letter or digit and at camelCase humps.
NAME_HINTS: dict[str, frozenset[str]] = {
    "e-mail address": frozenset({"email", "emailaddress"}),
    "phone number": frozenset({"phone", "telephone", "tel", "mobile", "fax", "msisdn"}),
    "person's name": frozenset(
        {"name", "firstname", "lastname", "surname", "fullname", "givenname", "forename"}
    ),
    "national identifier": frozenset(
        {"ssn", "nino", "passport", "nationalid", "socialsecurity", "taxid", "nhs"}
    ),
    "payment card number": frozenset({"creditcard", "cardnumber", "ccnumber"}),
    "IBAN": frozenset({"iban", "bic", "accountnumber"}),
    "IP address": frozenset({"ip", "ipv4", "ipv6", "ipaddress"}),
    "postal address": frozenset({"address", "street", "postcode", "zipcode"}),
    "date of birth": frozenset({"dob", "birthdate", "dateofbirth", "birthday"}),
}
# Words that, before "name", make it something other than a person's: product name.
NOT_PERSON = frozenset({"product", "file", "host", "company", "brand", "model", "column", "item"})

# Value patterns, each matched on a whole stripped cell; bounded repetition only.
EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
# International (+44 20 7946 0958, 0044...) or national (020 7946 0958, (555) 123-4567,
# 555.123.4567) numbers: three to six groups of 10 to 15 digits in all, or + and 9 to 15
# digits written together.
PHONE = re.compile(r"(?:\+|00)?\(?\d{1,4}\)?(?:[ .-]{1,2}\(?\d{1,5}\)?){2,5}|\+\d{9,15}")
PHONE_DIGITS = (10, 15)  # national numbers have 10 or more with the trunk 0 (ITU-T E.164)
CARD = re.compile(r"\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}")
CARD_DIGITS = (13, 19)
IBAN = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?")
# US SSN as the Social Security Administration issues them (written with dashes).
US_SSN = re.compile(r"(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}")
# UK NINO: two prefix letters (D, F, I, Q, U, V never; O never second; not BG, GB, KN,
# NK, NT, TN, ZZ), six digits, suffix A to D (HMRC National Insurance Manual NIM39110).
UK_NINO = re.compile(
    r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]"
)
IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
)
IPV6_SHAPE = re.compile(r"[0-9A-Fa-f:.]{2,45}")


class PIIError(InputError):
    """Personal data where none was declared."""


@dataclass(frozen=True)
class Finding:
    """One column that holds, or is named for, a kind of personal data."""

    column: str
    kind: str  # singular when found by name ("e-mail address"), plural by values
    how: str  # "name" or "values"
    matches: int = 0  # sampled values of that kind (0 when found by name)
    sampled: int = 0
    row: object = None  # the index label of one matching row (values only)

    def describe(self, row: str = "row") -> str:
        """The finding in words, never the value itself; ``row`` names the example's place."""
        if self.how == "name":
            return f"column {quote(self.column)}: its name says {self.kind}"
        return (
            f"column {quote(self.column)}: {self.matches} of {self.sampled} sampled values are "
            f"{self.kind} (e.g. {row} {self.row})"
        )


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a payment card number, given as digits only."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """The ISO 13616 check: first four characters moved to the end, letters as 10 to 35,
    the number modulo 97 is 1."""
    text = iban.replace(" ", "")
    moved = text[4:] + text[:4]
    number = "".join(str(int(char, 36)) for char in moved)
    return int(number) % 97 == 1


def _ipv6_valid(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).version == 6
    except ValueError:
        return False


def _digit_count(values: pd.Series) -> pd.Series:
    counts: pd.Series = values.str.count(r"\d")
    return counts


def _within(counts: pd.Series, bounds: tuple[int, int]) -> pd.Series:
    low, high = bounds
    within: pd.Series = (counts >= low) & (counts <= high)
    return within


def _confirmed(values: pd.Series, mask: pd.Series, check: Callable[[str], bool]) -> pd.Series:
    """``mask`` kept only where ``check`` passes (run on the few candidates only)."""
    if not mask.any():
        return mask
    confirmed = mask.copy()
    confirmed[mask] = values[mask].map(check).astype(bool)
    return confirmed


def value_kinds(values: pd.Series) -> dict[str, pd.Series]:
    """For each kind, which of ``values`` (stripped strings) match it whole."""
    ipv4 = values.str.fullmatch(IPV4)
    digits = _digit_count(values)
    card = values.str.fullmatch(CARD) & _within(digits, CARD_DIGITS)
    card = _confirmed(values, card, lambda text: luhn_valid(re.sub(r"\D", "", text)))
    ipv6 = values.str.fullmatch(IPV6_SHAPE) & (values.str.count(":") >= 2)
    phone = values.str.fullmatch(PHONE) & _within(digits, PHONE_DIGITS) & ~ipv4 & ~card
    return {
        "e-mail addresses": values.str.fullmatch(EMAIL),
        "phone numbers": phone,
        "payment card numbers": card,
        "IBANs": _confirmed(values, values.str.fullmatch(IBAN), iban_valid),
        "US social security numbers": values.str.fullmatch(US_SSN),
        "UK National Insurance numbers": values.str.fullmatch(UK_NINO),
        "IPv4 addresses": ipv4,
        "IPv6 addresses": _confirmed(values, ipv6, _ipv6_valid),
    }


def _words(column: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", column)
    return [word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word]


def name_kind(column: str) -> str | None:
    """The kind of personal data a column's name says it holds, if any."""
    words = _words(column)
    joined = {"".join(words[i : i + n]) for n in (2, 3) for i in range(len(words))}
    for kind, hints in NAME_HINTS.items():
        found = (set(words) | joined) & hints
        if kind == "person's name" and found == {"name"}:
            position = words.index("name")
            if position > 0 and words[position - 1] in NOT_PERSON:
                continue
        if found:
            return kind
    return None


def _sample(series: pd.Series) -> pd.Series:
    present = series.dropna()
    if len(present) > SAMPLE_ROWS:
        present = present.sample(SAMPLE_ROWS, random_state=0)
    text = present.astype("str")
    text = text[text.str.len() <= MAX_CELL + 64].str.strip()  # long cells never copied
    short: pd.Series = text[(text.str.len() <= MAX_CELL) & (text != "")]
    return short


def scan_column(name: str, series: pd.Series) -> Finding | None:
    """The finding of one column: by its name first, else by its values; None if clean."""
    kind = name_kind(name)
    if kind is not None:
        return Finding(name, kind, "name")
    if pd.api.types.is_float_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    values = _sample(series)
    sampled = min(int(series.notna().sum()), SAMPLE_ROWS)
    if values.empty:
        return None
    needed = max(MIN_SHARE * sampled, min(MIN_MATCHES, sampled))
    best: Finding | None = None
    for kind, matched in value_kinds(values).items():
        count = int(matched.sum())
        if count >= needed and (best is None or count > best.matches):
            first = min(values.index[matched.to_numpy(dtype=bool)])
            best = Finding(name, kind, "values", count, sampled, first)
    return best


def scan(frame: pd.DataFrame, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """The findings of every column of ``frame`` but those in ``skip``."""
    findings = []
    for column in frame.columns:
        if str(column) in skip:
            continue
        finding = scan_column(str(column), frame[column])
        if finding is not None:
            findings.append(finding)
    return findings


def check_undeclared(frame: pd.DataFrame, contract: Contract, source: str) -> None:
    """Stop on personal data in a column the contract does not declare (``pii:``)."""
    declared = frozenset(rule.name for rule in contract.columns if rule.pii is not None)
    findings = scan(frame, declared | {contract.target.column})
    if findings:
        details = "; ".join(finding.describe() for finding in findings)
        raise PIIError(
            f"{source}: personal data in column(s) the contract {contract.path} does not "
            f"declare: {details} (rows counted from 0 after the header). Declare each in the contract with `pii: drop` or "
            f"`pii: hash` (or `pii: none` once reviewed as not personal), or remove it "
            "from the source; see docs/privacy.md"
        )


def salt_from_environment() -> bytes:
    """The salt of ``pii: hash``: from the environment only, long enough to resist guessing."""
    salt = os.environ.get(SALT_VARIABLE, "")
    if len(salt) < MIN_SALT:
        raise PIIError(
            f"{SALT_VARIABLE}: a column is declared `pii: hash`; expected a secret salt of at "
            f"least {MIN_SALT} characters in this environment variable, found "
            f"{len(salt)} character(s) (set it from your secret store, never in a file)"
        )
    return salt.encode("utf-8")


def hash_values(series: pd.Series, salt: bytes) -> pd.Series:
    """HMAC-SHA256 of each present value (as text) under ``salt``; missing stays missing."""

    def digest(value: object) -> str:
        return hmac.new(salt, str(value).encode("utf-8"), hashlib.sha256).hexdigest()

    hashed: pd.Series = series.map(digest, na_action="ignore").astype("object")
    return hashed


def protect(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """``frame`` with the contract's ``pii: drop`` columns removed and ``pii: hash`` ones hashed."""
    dropped = [rule.name for rule in contract.columns if rule.pii == "drop"]
    hashed = [rule.name for rule in contract.columns if rule.pii == "hash"]
    protected = frame.drop(columns=[name for name in dropped if name in frame.columns])
    if hashed:
        salt = salt_from_environment()
        for name in hashed:
            if name in protected.columns:
                protected[name] = hash_values(protected[name], salt)
    return protected
