"""Stage ``validate``: check ``data/raw`` against its contract, then split it.

Rows without a target cannot be learnt from or scored, so they are dropped first and
counted in the stage's output; every remaining value must satisfy the contract
(``contracts/<name>.yaml``). A file that breaks it stops the pipeline here with one
message naming the file, the column, the rule and a few offending lines, and no
split is written, so nothing downstream runs on bad data.

The split is stratified on the target with ``seed`` and ``data.test_size``, so both
files keep the class balance and the same parameters give the same split.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from {{ cookiecutter.package_name }}.config import InputError, Params
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    csv_dtypes,
    load_contract,
    validate_frame,
)
from {{ cookiecutter.package_name }}.data.files import read_csv, write_csv


@dataclass(frozen=True)
class Checked:
    """A validated frame and how many unlabelled rows were dropped to get it."""

    frame: pd.DataFrame
    unlabelled: int


def check(frame: pd.DataFrame, contract: Contract, source: str) -> Checked:
    """Drop rows without a target, then hold every other value to the contract."""
    target = contract.target.column
    if target not in frame.columns:
        raise ContractViolationError(
            f"{source}: missing target column {target!r} (params.yaml data.target); "
            f"found columns {list(frame.columns)}"
        )
    labelled = frame[frame[target].notna()]
    if labelled.empty:
        raise ContractViolationError(
            f"{source}: every row lacks a value in target column {target!r}"
        )
    return Checked(validate_frame(labelled, contract, source), len(frame) - len(labelled))


def split(
    frame: pd.DataFrame, target: str, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified train/test split; the one split both the pipeline and the golden tests use."""
    from sklearn.model_selection import train_test_split  # deferred: slow import

    counts = frame[target].value_counts()
    if len(counts) < 2 or counts.min() < 2:
        raise InputError(
            f"target {target!r}: a stratified split needs at least 2 rows of each of 2 classes; "
            f"found {counts.to_dict()}"
        )
    train, test = train_test_split(
        frame, test_size=test_size, random_state=seed, stratify=frame[target]
    )
    return train, test


def run(params: Params) -> None:
    data = params.data
    contract = load_contract(data.contract, data.target)
    raw = read_csv(data.raw_path, dtype=csv_dtypes(contract))
    checked = check(raw, contract, data.raw_path)
    train, test = split(checked.frame, data.target, data.test_size, params.seed)
    write_csv(train, data.train_path)
    write_csv(test, data.test_path)
    print(
        f"validate: {len(checked.frame)} rows of {data.raw_path} satisfy {data.contract}; "
        f"{checked.unlabelled} row(s) without a target dropped; "
        f"train {len(train)} -> {data.train_path}, test {len(test)} -> {data.test_path}"
    )
