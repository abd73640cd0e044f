"""The failure report: every broken rule of a contract in one line, with where and what.

A message names the data, the contract and, per broken rule, the column and a few
offending rows, each with its value as the user wrote it (``'n/a'``, not ``nan``).
Where a row came from is said by a :class:`RowLocator`: today data comes from CSV
files (:class:`CsvLines`, ``line 12``); a record of an HTTP request or of a monitored
batch is located the same way by a locator of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.contract.model import Contract
from {{ cookiecutter.package_name }}.errors import InputError, quote, shorten

EXAMPLES_PER_RULE = 3
MAX_RULES_REPORTED = 8


class ContractViolationError(InputError):
    """Data that breaks its contract; the message lists the rules and offending rows."""


@dataclasses.dataclass(frozen=True)
class Failure:
    """One offending value, in the shape of a row of pandera's failure cases."""

    column: str
    check: str
    value: Any
    row: Any


class RowLocator(Protocol):
    """Says where a row of the checked data came from, for the failure report."""

    def locate(self, row: Hashable) -> str:
        """Where the row with index label ``row`` came from, in words (``line 12``)."""
        ...


@dataclasses.dataclass(frozen=True)
class CsvLines:
    """Rows read from a CSV file: the header is line 1 and blank lines are kept as rows."""

    def locate(self, row: Hashable) -> str:
        """The file line of a row: row 0 is line 2; no row (``None``) is the whole column."""
        return f"line {int(row) + 2}" if isinstance(row, int | np.integer) else "whole column"


CSV_LINES = CsvLines()


def _as_written(text: str) -> str:
    """A cell's text: a number bare (``41.5``), anything else quoted (``'n/a'``)."""
    if not text:
        return "empty"
    try:
        float(text)
    except ValueError:
        return quote(text)
    return shorten(text) if text == text.strip() else quote(text)


def _shown(failure: Failure, written: pd.DataFrame | None) -> str:
    """The offending value as the user wrote it (``'n/a'``, not ``nan``), shortened.

    ``written`` holds the file's cells as text; without it (a frame that came from no
    file) the parsed value is shown, as plain Python (``41.5``, not ``np.float64(41.5)``).
    """
    column, row = failure.column, failure.row
    if written is not None and column in written.columns and row in written.index:
        text = written.at[row, column]
        if isinstance(text, str):
            return _as_written(text)
    return quote(failure.value)


def summarise(
    failures: Sequence[Failure],
    data: str | Path,
    contract: Contract,
    written: pd.DataFrame | None = None,
    locator: RowLocator = CSV_LINES,
) -> str:
    """One line: file, contract and, per broken rule, the column and a few offending rows.

    ``locator`` says where each offending row came from (a CSV line by default).
    """
    groups: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        groups.setdefault((failure.column, failure.check), []).append(failure)
    parts = []
    for (column, check), members in list(groups.items())[:MAX_RULES_REPORTED]:
        if check in ("missing column", "unexpected column (not in the contract)"):
            parts.append(f"{check} {quote(column)}")
            continue
        located = [
            member for member in members if member.row is not None and not pd.isna(member.row)
        ]
        examples = ", ".join(
            f"{locator.locate(member.row)}: {_shown(member, written)}"
            for member in located[:EXAMPLES_PER_RULE]
        )
        if not located:
            examples = f"found {_shown(members[0], None)}"
        parts.append(
            f"column {quote(column)} breaks rule {shorten(check)} in {len(members)} row(s) "
            f"({examples})"
        )
    hidden = len(groups) - MAX_RULES_REPORTED
    more = f"; and {hidden} more rule(s)" if hidden > 0 else ""
    return (
        f"{data}: {len(failures)} problem(s) with the contract {contract.path}: "
        + "; ".join(parts)
        + more
    )
