"""The checks: data converted strictly to the contract's types, then held to its rules.

Types are converted here, strictly, before pandera checks the rules: pandera's own
coercion turns ``1.5`` into the integer ``1`` and ``"no"`` into ``True`` without a word,
which is exactly what a contract is there to stop. Every offending value becomes a
``Failure``, and :mod:`.report` turns them all into one message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from {{ cookiecutter.package_name }}.data.contract.model import ColumnRule, ColumnType, Contract
from {{ cookiecutter.package_name }}.data.contract.report import (
    CSV_LINES,
    ContractViolationError,
    Failure,
    RowLocator,
    summarise,
)
from {{ cookiecutter.package_name }}.data.files import read_csv, read_written

BOOL_WORDS = {"true": True, "1": True, "false": False, "0": False}  # any case, spaces around


def _column_schema(rule: ColumnRule) -> pa.Column:
    checks: list[pa.Check] = []
    low = rule.minimum if rule.earliest is None else pd.Timestamp(rule.earliest)
    high = rule.maximum if rule.latest is None else pd.Timestamp(rule.latest)
    if low is not None:
        checks.append(pa.Check.ge(low))
    if high is not None:
        checks.append(pa.Check.le(high))
    if rule.categories is not None:
        checks.append(pa.Check.isin(list(rule.categories)))
    return pa.Column(
        _PANDAS_DTYPES[rule.dtype],
        checks=checks,
        nullable=rule.nullable,
        unique=rule.unique,
        required=rule.pii != "drop",  # validate drops it before the split (data/pii.py)
    )


_PANDAS_DTYPES: dict[ColumnType, Any] = {
    "float": "float64",
    "int": "Int64",  # nullable integers: an empty cell stays empty instead of becoming float
    "category": str,
    "bool": "boolean",
    "datetime": "datetime64[us]",  # naive UTC; microseconds reach years 1 to 9999
    "text": str,
}


def build_schema(contract: Contract, labelled: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of the contract; strict, so unexpected columns are reported.

    ``labelled``: the target column is required and never empty (training data); else
    it may be absent or empty (rows to predict), but a label given must be a class.
    """
    columns = {rule.name: _column_schema(rule) for rule in contract.columns}
    target = contract.target
    if target.task == "regression":
        checks = [pa.Check.ge(target.minimum), pa.Check.le(target.maximum)]
    else:
        checks = [pa.Check.isin(list(target.values))]
    columns[target.column] = pa.Column(
        _PANDAS_DTYPES[target.dtype],
        checks=checks,
        nullable=not labelled,
        required=labelled,
    )
    return pa.DataFrameSchema(columns, strict=True, name=contract.name)


def csv_dtypes(contract: Contract) -> dict[str, str]:
    """Columns to read as text: categories stay text even when they look like numbers."""
    text = {rule.name: "str" for rule in contract.columns if rule.dtype not in ("float", "int")}
    if contract.target.dtype in ("category", "bool"):
        text[contract.target.column] = "str"
    return text


def _convert(
    series: pd.Series, dtype: ColumnType, date_format: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Convert ``series`` to the contract type; return it with a mask of values that failed."""
    present = series.notna()
    if dtype in ("category", "text"):
        return series.astype("str"), pd.Series(False, index=series.index)
    if dtype == "datetime":
        # Strictly the format (ISO 8601 without one); an offset is converted to UTC, and a
        # time without one is taken as UTC.
        moments = pd.to_datetime(
            series, format=date_format or "ISO8601", errors="coerce", utc=True
        ).dt.tz_localize(None)
        return moments.astype("datetime64[us]"), present & moments.isna()
    if dtype == "bool":
        words = series.astype("str").str.strip().str.lower()
        converted = words.map(BOOL_WORDS).astype("boolean")
        return converted, present & converted.isna()
    if pd.api.types.is_bool_dtype(series):  # true/false: refused, not read as 1 and 0
        series = series.astype("str")
    numbers = pd.to_numeric(series, errors="coerce").astype("float64")
    failed = present & numbers.isna()
    if dtype == "float":
        return numbers, failed
    fractional = numbers.notna() & ~(np.isfinite(numbers) & (numbers % 1 == 0))
    failed |= fractional
    return numbers.where(~failed).astype("Int64"), failed


def _convert_all(frame: pd.DataFrame, contract: Contract) -> tuple[pd.DataFrame, list[Failure]]:
    kinds = {rule.name: (rule.dtype, rule.date_format) for rule in contract.columns}
    kinds[contract.target.column] = (contract.target.dtype, None)
    failures: list[Failure] = []
    converted = frame.copy()  # a column the contract does not name stays, to be reported
    for column in frame.columns.intersection(list(kinds)):
        values, failed = _convert(frame[column], *kinds[column])
        converted[column] = values
        failures.extend(
            Failure(str(column), f"dtype {kinds[column][0]}", frame[column][row], row)
            for row in frame.index[failed]
        )
    return converted, failures


def _pandera_failures(cases: pd.DataFrame) -> list[Failure]:
    failures = []
    for case in cases.itertuples():
        column, check = str(case.column), str(case.check)
        if check == "column_in_dataframe":
            check, column = "missing column", str(case.failure_case)
        elif check == "column_in_schema":
            check, column = "unexpected column (not in the contract)", str(case.failure_case)
        elif check == "field_uniqueness":
            check = "unique"
        failures.append(Failure(column, check, case.failure_case, case.index))
    return failures


def validate_frame(
    frame: pd.DataFrame,
    contract: Contract,
    source: str | Path,
    written: Callable[[], pd.DataFrame] | None = None,
    locator: RowLocator = CSV_LINES,
    labelled: bool = True,
) -> pd.DataFrame:
    """Return ``frame`` converted to the contract's types; raise one summary if it breaks it.

    ``source`` names the data in the message; ``written``, called only when there is
    something to report, gives the file's cells as text, to quote values as written;
    ``locator`` says where a row came from (by default, a line of a CSV file);
    ``labelled``: whether the target is required (see :func:`build_schema`).
    """
    converted, failures = _convert_all(frame, contract)
    broken = sorted({failure.column for failure in failures})
    schema = build_schema(contract, labelled).remove_columns(broken)
    try:
        validated = schema.validate(converted.drop(columns=broken), lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures.extend(_pandera_failures(errors.failure_cases))
    if failures:
        cells = None
        if written is not None:
            try:
                cells = written()
            except (OSError, ValueError):  # the message is still right, with parsed values
                cells = None
        raise ContractViolationError(summarise(failures, source, contract, cells, locator))
    names = [*[rule.name for rule in contract.columns], contract.target.column]
    ordered: pd.DataFrame = validated[[name for name in names if name in validated.columns]]
    return ordered


def read_dataset(path: str | Path, contract: Contract, labelled: bool = True) -> pd.DataFrame:
    """Read a CSV file and check it against ``contract``: what every stage reads data with.

    ``labelled=False`` reads rows to predict: the target column may be absent or empty.
    """
    frame = read_csv(path, dtype=csv_dtypes(contract))
    return validate_frame(frame, contract, path, lambda: read_written(path), labelled=labelled)


def target_labels(series: pd.Series, contract: Contract) -> pd.Series:
    """The target as plain Python-comparable labels (the contract's values), or numbers."""
    if contract.target.task == "regression":
        return series.astype("float64")
    if contract.target.dtype == "int":
        return series.astype("int64")
    if contract.target.dtype == "bool":
        return series.astype("bool")
    return series.astype("str")
