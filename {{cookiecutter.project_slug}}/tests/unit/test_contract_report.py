"""The failure report: one line naming each broken rule, where, and the value as written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    CsvLines,
    Failure,
    load_contract,
    summarise,
)

from tests.unit.mini_dataset import CONTRACT


@pytest.fixture
def contract(tmp_path: Path) -> Contract:
    path = tmp_path / "mini.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return load_contract(path, "label")


def _rules(message: str, contract: Contract) -> str:
    """The message after its head (data and contract)."""
    head, _, rules = message.partition(f" with the contract {contract.path}: ")
    assert head.startswith("data.csv: "), message
    return rules


def test_a_failure_of_no_row_is_located_as_the_whole_column() -> None:
    assert CsvLines().locate(None) == "whole column"
    assert CsvLines().locate(0) == "line 2"


@pytest.mark.parametrize("row", [None, float("nan")], ids=["none", "nan"])
def test_a_rule_broken_by_no_row_shows_what_was_found(contract: Contract, row: object) -> None:
    """A column-wide failure (its type) has no line to point at: it says what it found."""
    failures = [Failure("age", "dtype('Int64')", "float64", row)]
    assert summarise(failures, "data.csv", contract) == (
        f"data.csv: 1 problem(s) with the contract {contract.path}: "
        "column 'age' breaks rule dtype('Int64') in 1 row(s) (found 'float64')"
    )


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("", "empty"),
        ("41.5", "41.5"),
        (" 41.5", "' 41.5'"),
        ("41.5 ", "'41.5 '"),
        ("n/a", "'n/a'"),
    ],
    ids=["empty", "number", "leading-space", "trailing-space", "text"],
)
def test_a_value_is_shown_as_written(contract: Contract, cell: str, shown: str) -> None:
    """Numbers bare, anything else quoted, so a space around a number is seen."""
    written = pd.DataFrame({"age": ["40", cell]})
    failures = [Failure("age", "dtype int", float("nan"), 1)]
    message = summarise(failures, "data.csv", contract, written)
    assert (
        _rules(message, contract)
        == f"column 'age' breaks rule dtype int in 1 row(s) (line 3: {shown})"
    )


def _failures(rules: int) -> list[Failure]:
    return [Failure(f"c{number}", "not_nullable", None, number) for number in range(rules)]


def test_rules_are_joined_by_semicolons(contract: Contract) -> None:
    assert _rules(summarise(_failures(2), "data.csv", contract), contract) == (
        "column 'c0' breaks rule not_nullable in 1 row(s) (line 2: None); "
        "column 'c1' breaks rule not_nullable in 1 row(s) (line 3: None)"
    )


def test_eight_rules_are_all_shown_and_a_ninth_is_counted(contract: Contract) -> None:
    eight = _rules(summarise(_failures(8), "data.csv", contract), contract)
    assert eight.count("breaks rule") == 8
    assert eight.endswith("column 'c7' breaks rule not_nullable in 1 row(s) (line 9: None)")
    nine = summarise(_failures(9), "data.csv", contract)
    assert nine.startswith("data.csv: 9 problem(s)")
    assert _rules(nine, contract) == eight + "; and 1 more rule(s)"
