"""Refuse tables holding personal data (PII) committed to git: the pre-commit hook ``no-pii``.

Each staged CSV, TSV, Parquet, JSON (a list of objects) or JSON-lines file is read as
text (never evaluated: ``=HYPERLINK(...)`` is a string) and scanned by the pipeline's
own scanner, ``data/pii.py``: column names and value patterns (e-mail, phone, payment
card with the Luhn check, IBAN with its mod-97 check, US SSN, UK NINO, IP addresses),
on the first :data:`MAX_ROWS` rows. A finding names the file, the column, the kind and
the line of one example, never the value.

A file that must hold such values (a test fixture of the scanner itself) is allowed by
one line of ``.pii-allowlist``: its exact path, then ``#`` and the reason, which a
reviewer reads in the merge request. No globs: each file is allowed on its own. Run by
pre-commit with the staged file names, or with no arguments to check every file git
tracks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.data.pii import Finding, scan

ALLOWLIST = Path(".pii-allowlist")
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson"})
MAX_ROWS = 5000  # rows read per file: the scanner samples fewer
MAX_JSON_BYTES = 20 * 1024 * 1024  # a bigger JSON file is read no further than this
GLOB_CHARACTERS = frozenset("*?[]")


class AllowlistError(ValueError):
    """A malformed line of the allowlist."""


def read_allowlist(path: Path = ALLOWLIST) -> frozenset[str]:
    """The allowed paths: one a line, each with its reason after ``#``; blank lines skipped."""
    if not path.is_file():
        return frozenset()
    allowed = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, reason = line.partition("#")
        name = name.strip()
        where = f"{path}:{number}"
        if not reason.strip():
            raise AllowlistError(f"{where}: expected '<path>  # <why it may hold PII>', no reason")
        if GLOB_CHARACTERS & set(name):
            raise AllowlistError(f"{where}: expected one exact path, found a pattern {name!r}")
        allowed.add(name)
    return frozenset(allowed)


def _json_table(path: Path) -> pd.DataFrame | None:
    """A JSON file as a table if it is a list of objects, or JSON lines; else None."""
    with path.open("rb") as handle:
        data = handle.read(MAX_JSON_BYTES)
    text = data.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        rows = [json.loads(line) for line in text.splitlines()[:MAX_ROWS] if line.strip()]
    else:
        try:
            rows = json.loads(text)
        except ValueError:
            return None  # cut by MAX_JSON_BYTES or not JSON: check-json reports the latter
    if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
        return None
    frame = pd.DataFrame.from_records(rows[:MAX_ROWS])
    return frame.astype("string")


def read_table(path: Path) -> pd.DataFrame | None:
    """The first rows of a table file, every cell as text; None if it is not a table."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        separator = "\t" if suffix == ".tsv" else ","
        frame = pd.read_csv(
            path, sep=separator, dtype=str, nrows=MAX_ROWS, keep_default_na=False, na_values=[""]
        )
        frame.index = frame.index + 2  # a data row's line in the file (line 1: the header)
        return frame
    if suffix == ".parquet":
        parquet: pd.DataFrame = pd.read_parquet(path)
        return parquet.head(MAX_ROWS).astype("string")
    return _json_table(path)


def findings(name: str) -> list[Finding]:
    """The PII findings of the file ``name``; empty when it is clean or not a table."""
    path = Path(name)
    if path.suffix.lower() not in TABLE_SUFFIXES or not path.is_file():
        return []
    frame = read_table(path)
    return [] if frame is None else scan(frame)


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files"],  # noqa: S607 (git from PATH, as a developer runs it)
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout.splitlines()


def main(argv: list[str]) -> int:
    try:
        allowed = read_allowlist()
    except AllowlistError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    failed = False
    for name in argv or tracked_files():
        if name in allowed:
            continue
        try:
            found = findings(name)
        except (OSError, ValueError) as error:
            print(
                f"{name}: could not be read as a table to scan for personal data "
                f"({type(error).__name__}); fix it, or allow it in {ALLOWLIST} with a reason",
                file=sys.stderr,
            )
            failed = True
            continue
        row = "line" if Path(name).suffix.lower() in (".csv", ".tsv") else "row"
        for finding in found:
            print(
                f"{name}: personal data, {finding.describe(row)}; remove it or use synthetic "
                f"values (docs/privacy.md). A fixture of the scanner itself goes in "
                f"{ALLOWLIST}: '{name}  # <reason>'",
                file=sys.stderr,
            )
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
