"""The PII scan (data/pii.py): each kind found by name and by value, checksums honoured,
one stray value ignored, crafted cells harmless; the contract's ``pii:`` applied by
validate; and the pre-commit hook (tools/check_pii.py) refusing a table of contacts.

Every example value here is synthetic: documentation numbers (RFC 5737 and 3849
addresses, the test card numbers of payment networks, the IBAN examples of ISO 13616).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data import pii, validate
from {{ cookiecutter.package_name }}.data.contract import ContractError, load_contract
from {{ cookiecutter.package_name }}.data.files import read_csv

from tests.conftest import PROJECT_ROOT
from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project

ROWS = 20
# kind -> values of that kind (each valid: Luhn and mod-97 pass).
EXAMPLES: dict[str, list[str]] = {
    "e-mail addresses": ["ann.lee@example.com", "bob+news@mail.example.org"],
    "phone numbers": ["+44 20 7946 0958", "(555) 123-4567", "020 7946 0018", "+14155550123"],
    "payment card numbers": ["4111 1111 1111 1111", "5500-0055-5555-5559", "378282246310005"],
    "IBANs": ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"],
    "US social security numbers": ["123-45-6789", "078-05-1120"],
    "UK National Insurance numbers": ["AB 12 34 56 C", "JG103759A"],
    "IPv4 addresses": ["192.0.2.1", "203.0.113.254"],
    "IPv6 addresses": ["2001:db8::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
}
# Values shaped like a kind but failing its check, or ordinary values near a pattern.
NOT_PII = [
    "4111 1111 1111 1112",  # Luhn fails
    "GB83 WEST 1234 5698 7654 32",  # mod 97 fails
    "000-12-3456",  # SSN area 000 is never issued
    "QQ 12 34 56 C",  # NINO prefix Q is never used
    "256.1.1.1",
    "2024-01-31",
    "2024-01-31 08:00:00",
    "0.0123456789",
    "12:30:45",
    "not an @ address",
    '=HYPERLINK("http://example.com","x")',
]


def _column(values: list[str], rows: int = ROWS) -> pd.Series:
    return pd.Series([values[i % len(values)] for i in range(rows)], dtype="object")


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_each_kind_is_found_by_its_values(kind: str) -> None:
    finding = pii.scan_column("field_7", _column(EXAMPLES[kind]))
    assert finding is not None, kind
    assert (finding.kind, finding.how, finding.matches, finding.row) == (kind, "values", ROWS, 0)


@pytest.mark.parametrize("value", NOT_PII)
def test_near_misses_are_not_pii(value: str) -> None:
    assert pii.scan_column("field_7", _column([value])) is None


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("79927398713", True), ("79927398710", False), ("0", True)],
)
def test_luhn_check(digits: str, valid: bool) -> None:
    assert pii.luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("iban", "valid"),
    [("GB82 WEST 1234 5698 7654 32", True), ("GB82 WEST 1234 5698 7654 33", False)],
)
def test_iban_check(iban: str, valid: bool) -> None:
    assert pii.iban_valid(iban) is valid


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("customer_email", "e-mail address"),
        ("PhoneNumber", "phone number"),
        ("ip address", "IP address"),
        ("First Name", "person's name"),
        ("SSN", "national identifier"),
        ("iban", "IBAN"),
        ("date_of_birth", "date of birth"),
        ("product_name", None),
        ("mean radius", None),
        ("tip", None),
        ("od280/od315_of_diluted_wines", None),
    ],
)
def test_column_names(name: str, kind: str | None) -> None:
    assert pii.name_kind(name) == kind


def test_one_stray_address_in_free_text_does_not_flag_the_column() -> None:
    notes = _column(["called back", "fine", "no answer", "asked for a quote"], rows=50)
    notes[7] = "ann.lee@example.com"
    assert pii.scan_column("notes", notes) is None
    notes[[3, 11, 19, 23, 31]] = "bob@example.org"  # 6 of 50: above MIN_SHARE
    assert pii.scan_column("notes", notes) is not None


def test_a_long_column_is_sampled_and_shares_count_its_present_values() -> None:
    mostly_empty = pd.Series([None] * 5000, dtype="object")
    mostly_empty[::50] = "ann.lee@example.com"  # 100 present values, all addresses
    finding = pii.scan_column("field", mostly_empty)
    assert finding is not None
    assert (finding.matches, finding.sampled, finding.row) == (100, 100, 0)
    long = _column(["fine", "ann.lee@example.com"], rows=10_000)
    finding = pii.scan_column("field", long)
    assert finding is not None
    assert finding.sampled == pii.SAMPLE_ROWS


def test_float_columns_are_not_matched() -> None:
    assert pii.scan_column("reading", pd.Series([192.0, 20.5, 1.0e9])) is None


def test_crafted_long_cells_do_not_hang_the_scan() -> None:
    """Cells built to make a regular expression backtrack: the scan stays fast."""
    bombs = [
        "a" * 200_000 + "@",
        "a@" + "a." * 100_000,
        "1 " * 100_000,
        "a" * 60 + "@" + "a-" * 120,  # within MAX_CELL: every pattern bounded
        "1" * 250,
        '=HYPERLINK("http://example.com")' * 1000,
    ]
    started = time.perf_counter()
    assert pii.scan_column("field", _column(bombs, rows=60)) is None
    # A pattern that backtracks exponentially takes minutes on these; the scan, well
    # under a second (the bound leaves room for a loaded CI machine).
    assert time.perf_counter() - started < 10.0


def test_an_undeclared_pii_column_stops_validate_naming_it_and_never_the_value(
    tmp_path: Path,
) -> None:
    frame = mini_frame().assign(contact=_column(EXAMPLES["e-mail addresses"], rows=60))
    params = write_project(tmp_path, frame)
    with pytest.raises(pii.PIIError) as error:
        validate.run(params)
    message = str(error.value)
    assert "column 'contact': 60 of 60 sampled values are e-mail addresses (e.g. row 0)" in message
    assert "example.com" not in message
    assert not Path(params.data.train_path).exists()


def test_a_declared_column_is_dropped_before_the_split(tmp_path: Path) -> None:
    frame = mini_frame().assign(contact=_column(EXAMPLES["e-mail addresses"], rows=60))
    params = write_project(tmp_path, frame, CONTRACT + "  contact: {dtype: text, pii: drop}\n")
    validate.run(params)
    for path in (params.data.train_path, params.data.test_path):
        written = Path(path).read_text(encoding="utf-8")
        assert "contact" not in written
        assert "@" not in written
    contract = load_contract(params.data.contract, "label")
    assert "contact" not in contract.feature_columns
    assert "contact" not in read_csv(params.data.train_path).columns


def test_a_hashed_column_needs_a_salt_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = mini_frame().assign(contact=_column(EXAMPLES["e-mail addresses"], rows=60))
    params = write_project(tmp_path, frame, CONTRACT + "  contact: {dtype: text, pii: hash}\n")
    monkeypatch.delenv(pii.SALT_VARIABLE, raising=False)
    with pytest.raises(pii.PIIError, match=pii.SALT_VARIABLE):
        validate.run(params)
    monkeypatch.setenv(pii.SALT_VARIABLE, "s" * pii.MIN_SALT)
    validate.run(params)
    hashed = read_csv(params.data.train_path)["contact"]
    assert hashed.str.fullmatch(r"[0-9a-f]{64}").all()
    assert hashed.nunique() == 2  # the same address, the same hash: joins still work
    monkeypatch.setenv(pii.SALT_VARIABLE, "t" * pii.MIN_SALT)
    validate.run(params)
    assert set(read_csv(params.data.train_path)["contact"]).isdisjoint(set(hashed))


def test_pii_none_records_a_reviewed_false_alarm(tmp_path: Path) -> None:
    frame = mini_frame().assign(product_name="widget", name="widget")
    params = write_project(tmp_path, frame.drop(columns="product_name"))
    with pytest.raises(pii.PIIError, match="column 'name': its name says person's name"):
        validate.run(params)
    text = CONTRACT + "  name: {dtype: text, pii: none}\n"
    params = write_project(tmp_path, frame.drop(columns="product_name"), text)
    validate.run(params)
    assert "name" in read_csv(params.data.train_path).columns


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{dtype: text, pii: keep}", "pii: expected one of ['drop', 'hash', 'none'], found 'keep'"),
        ("{dtype: float, pii: hash}", "pii: hash turns values into text"),
        ("{dtype: int, pii: drop, feature: true}", "is never learned from: expected false"),
    ],
)
def test_a_malformed_pii_declaration_is_refused(tmp_path: Path, rule: str, expected: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(CONTRACT + f"  contact: {rule}\n", encoding="utf-8")
    with pytest.raises(ContractError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_contract(path, "label")


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_pii", PROJECT_ROOT / "tools/check_pii.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_pii"] = module
    spec.loader.exec_module(module)
    return module


def test_the_hook_refuses_a_table_of_contacts_naming_file_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = _hook()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").mkdir()
    contacts = pd.DataFrame(
        {"who": ["a", "b", "c"], "reach": EXAMPLES["e-mail addresses"] + ["c@example.net"]}
    )
    contacts.to_csv(tmp_path / "tests/contacts.csv", index=False)
    contacts.to_json(tmp_path / "tests/contacts.json", orient="records")
    pd.DataFrame({"x": [1.5, 2.5]}).to_csv(tmp_path / "tests/clean.csv", index=False)
    names = ["tests/contacts.csv", "tests/contacts.json", "tests/clean.csv"]
    assert hook.main(names) == 1
    err = capsys.readouterr().err
    assert "tests/contacts.csv: personal data, column 'reach': 3 of 3 sampled" in err
    assert "e-mail addresses (e.g. line 2)" in err
    assert "tests/contacts.json: personal data, column 'reach'" in err
    assert "clean.csv" not in err
    assert "example" not in err

    allow = tmp_path / ".pii-allowlist"
    allow.write_text("tests/contacts.csv  # fixture of the scanner\n", encoding="utf-8")
    assert hook.main(["tests/contacts.csv", "tests/clean.csv"]) == 0
    allow.write_text("tests/*.csv  # everything\n", encoding="utf-8")
    assert hook.main(["tests/contacts.csv"]) == 1
    assert "expected one exact path, found a pattern 'tests/*.csv'" in capsys.readouterr().err
    allow.write_text("tests/contacts.csv\n", encoding="utf-8")
    assert hook.main(["tests/contacts.csv"]) == 1
    assert "no reason" in capsys.readouterr().err


def test_the_hook_passes_the_projects_own_files() -> None:
    hook = _hook()
    skipped = {".git", ".venv", ".tools", "mutants", "data", "reports", "site", "node_modules"}
    tables = []
    for folder, folders, files in os.walk(PROJECT_ROOT):
        folders[:] = [name for name in folders if name not in skipped]  # not walked into
        tables += [Path(folder, name) for name in files if Path(name).suffix in hook.TABLE_SUFFIXES]
    assert tables, "expected the golden files (tests/golden/) among the tables"
    found = {str(path): hook.findings(str(path)) for path in tables}
    assert not any(found.values()), found


def test_the_scan_is_fast_on_a_clean_table(tmp_path: Path) -> None:
    """The scan adds little to validate: the mini data scanned in well under a second."""
    params = write_project(tmp_path)
    frame = read_csv(params.data.raw_path)
    started = time.perf_counter()
    assert pii.scan(pd.concat([frame] * 100, ignore_index=True)) == []
    assert time.perf_counter() - started < 5.0  # about 0.1 s; room for a loaded machine


def test_predictions_never_echo_a_personal_column(tmp_path: Path) -> None:
    """Batch outputs (``predict``, ``predict --env``) carry an id back, never a column
    declared ``pii: drop`` or ``pii: hash``; one reviewed as ``pii: none`` may be."""
    path = tmp_path / "c.yaml"
    path.write_text(
        CONTRACT
        + "  contact: {dtype: text, pii: drop}\n"
        + "  account: {dtype: text, pii: hash}\n"
        + "  name: {dtype: text, pii: none}\n",
        encoding="utf-8",
    )
    echoed = load_contract(path, "label").echoed_columns
    assert "name" in echoed
    assert not {"contact", "account"} & set(echoed)
