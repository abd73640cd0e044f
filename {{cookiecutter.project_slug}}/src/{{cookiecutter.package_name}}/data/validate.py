"""Stage ``validate``: check ``data/raw`` against its contract, then split it.

Rows without a target cannot be learnt from or scored, so they are dropped first and
counted in the stage's output; every remaining value must satisfy the contract
(``contracts/<name>.yaml``). A file that breaks it stops the pipeline here with one
message naming the file, the column, the rule and a few offending lines, and no
split is written, so nothing downstream runs on bad data. Personal data the contract
does not declare stops it the same way (``data/pii.py``, docs/privacy.md); declared
columns are dropped or hashed before the split.

The split is stratified on the target with ``seed`` and ``data.test_size``, so both
files keep the class balance (for a number target, its spread over quantile bins)
and the same parameters give the same split.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.config import SKLEARN_PREFIX, DataConfig, Params
from {{ cookiecutter.package_name }}.data import pii
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    csv_dtypes,
    load_contract,
    validate_frame,
)
from {{ cookiecutter.package_name }}.data.files import read_csv, read_written, write_csv
from {{ cookiecutter.package_name }}.errors import InputError, quote, quote_all


@dataclass(frozen=True)
class Checked:
    """A validated frame and how many unlabelled rows were dropped to get it."""

    frame: pd.DataFrame
    unlabelled: int


def check(
    frame: pd.DataFrame,
    contract: Contract,
    source: str,
    written: Callable[[], pd.DataFrame] | None = None,
) -> Checked:
    """Drop rows without a target, then hold every other value to the contract.

    ``source`` names the data in messages; ``written`` gives its cells as text (see
    :func:`validate_frame`).
    """
    target = contract.target.column
    if target not in frame.columns:
        raise ContractViolationError(
            f"{source}: missing target column {quote(target)} (params.yaml data.target); "
            f"found columns {quote_all(frame.columns)}"
        )
    labelled = frame[frame[target].notna()]
    if labelled.empty:
        raise ContractViolationError(
            f"{source}: every row lacks a value in target column {quote(target)}"
        )
    checked = validate_frame(labelled, contract, source, written)
    return Checked(checked, len(frame) - len(labelled))


def _classes(counts: pd.Series) -> str:
    """``class 1 in 357 row(s), class 0 in 1 row(s)``: labels as plain values."""
    return ", ".join(
        f"class {quote(label)} in {int(count)} row(s)" for label, count in counts.items()
    )


NUMBER_STRATA = 5  # a number target is stratified on this many quantile bins


def _number_strata(values: pd.Series, source: str, target: str) -> pd.Series:
    """Quantile bins of a number target, so train and test both span its range."""
    if len(values) < 4:
        raise InputError(
            f"{source}: target {quote(target)}: a split needs at least 4 labelled rows "
            f"(2 on each side); found {len(values)}"
        )
    bins = min(NUMBER_STRATA, len(values) // 2)
    strata: pd.Series = pd.qcut(values.rank(method="first"), q=bins, labels=False)
    return strata


def split(
    frame: pd.DataFrame,
    target: str,
    test_size: float,
    seed: int,
    source: str = "the data",
    number: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified train/test split; the one split both the pipeline and the golden tests use.

    Stratified on the class, or for a number target (``number``, regression) on its
    quantile bins. ``source`` names the data in messages.
    """
    from sklearn.model_selection import train_test_split  # deferred: slow import

    if number:
        strata = _number_strata(frame[target], source, target)
    else:
        strata = frame[target]
        counts = strata.value_counts()
        if len(counts) < 2 or counts.min() < 2:
            raise InputError(
                f"{source}: target {quote(target)}: a stratified split needs at least 2 rows "
                f"of each of 2 classes; found {_classes(counts) or 'no rows'}"
            )
    rows, classes = len(frame), strata.nunique()
    test_rows = math.ceil(test_size * rows)
    if test_rows < classes or rows - test_rows < classes:
        groups = "quantile bin of the target" if number else "class"
        raise InputError(
            f"{source}: data.test_size {test_size:g} of {rows} rows leaves {test_rows} test and "
            f"{rows - test_rows} training row(s); a stratified split needs at least {classes} "
            f"(one per {groups}) on each side: change data.test_size in params.yaml"
        )
    train, test = train_test_split(frame, test_size=test_size, random_state=seed, stratify=strata)
    return train, test


def describe_source(raw_path: str, source: str) -> str:
    """How messages name the raw file: with the file the user gave, if there is one."""
    if source.startswith(SKLEARN_PREFIX):
        return raw_path
    return f"{raw_path} (ingested from {source})"


def written_cells(data: DataConfig) -> pd.DataFrame:
    """The raw data's cells as the user wrote them, for messages (``n/a``, not ``nan``).

    Ingest writes a missing value as an empty cell, so when ``data.source`` is a CSV file
    its text is used (same rows, column names stripped as ingest strips them); if it no
    longer lines up with ``data.raw_path``, the raw file's text is.
    """
    raw = read_written(data.raw_path)
    if data.source.startswith(SKLEARN_PREFIX):
        return raw
    try:
        source = read_written(data.source).rename(columns=lambda name: str(name).strip())
    except (OSError, ValueError):
        return raw
    lines_up = source.shape == raw.shape and list(source.columns) == list(raw.columns)
    return source if lines_up else raw


@dataclass(frozen=True)
class Split:
    """The stage's result: the stratified split of the rows that satisfy the contract."""

    train: pd.DataFrame
    test: pd.DataFrame
    rows: int  # labelled rows, all satisfying the contract
    unlabelled: int  # rows without a target, dropped


def read_raw(path: str | Path, contract: Contract) -> pd.DataFrame:
    """The raw file as ingest wrote it, each column read with its contract type."""
    return read_csv(path, dtype=csv_dtypes(contract))


def validate(
    raw: pd.DataFrame,
    contract: Contract,
    data: DataConfig,
    seed: int,
    source: str,
    written: Callable[[], pd.DataFrame] | None = None,
) -> Split:
    """The stage without its files: :func:`check` ``raw``, then :func:`split` it.

    Personal data comes first (:mod:`.pii`): a column that holds some without the
    contract declaring it stops the stage; declared ones are dropped or hashed after
    the contract's checks, so neither split holds them.
    """
    pii.check_undeclared(raw, contract, source)
    checked = check(raw, contract, source, written)
    protected = pii.protect(checked.frame, contract)
    number = contract.target.task == "regression"
    train, test = split(protected, data.target, data.test_size, seed, source, number)
    return Split(train, test, len(checked.frame), checked.unlabelled)


def run(params: Params) -> None:
    data = params.data
    contract = load_contract(data.contract, data.target)
    name = describe_source(data.raw_path, data.source)
    result = validate(
        read_raw(data.raw_path, contract),
        contract,
        data,
        params.seed,
        name,
        lambda: written_cells(data),
    )
    write_csv(result.train, data.train_path)
    write_csv(result.test, data.test_path)
    print(
        f"validate: {result.rows} rows of {data.raw_path} satisfy {data.contract}; "
        f"{result.unlabelled} row(s) without a target dropped; "
        f"train {len(result.train)} -> {data.train_path}, "
        f"test {len(result.test)} -> {data.test_path}"
    )
