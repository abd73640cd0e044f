"""The data contract: what a valid file of a dataset looks like, in one YAML file.

``contracts/<name>.yaml`` lists every column with its type (float, int, category,
bool), range, whether it may be empty, its allowed categories and whether values
must be unique, plus the allowed values of the target. ``validate`` checks
``data/raw`` against it with pandera; ``train`` takes its numeric and categorical
columns from it instead of guessing them from pandas dtypes.

Types are converted by this module, strictly, before pandera checks the rules:
pandera's own coercion turns ``1.5`` into the integer ``1`` and ``"no"`` into
``True`` without a word, which is exactly what a contract is there to stop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast, get_args

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from {{ cookiecutter.package_name }}.data.files import read_csv, read_written
from {{ cookiecutter.package_name }}.errors import InputError, quote, shorten

ColumnType = Literal["float", "int", "category", "bool"]
Label = int | str | bool
COLUMN_KEYS = frozenset({"dtype", "min", "max", "nullable", "categories", "unique", "feature"})
TARGET_KEYS = frozenset({"values", "positive"})
TOP_KEYS = frozenset({"name", "description", "target", "columns"})
EXAMPLES_PER_RULE = 3
MAX_RULES_REPORTED = 8
TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})


class ContractError(InputError):
    """A contract file that is missing or malformed."""


class ContractViolationError(InputError):
    """Data that breaks its contract; the message lists the rules and offending rows."""


@dataclasses.dataclass(frozen=True)
class ColumnRule:
    """The rules for one column."""

    name: str
    dtype: ColumnType
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[str, ...] | None = None
    unique: bool = False
    feature: bool = True


@dataclasses.dataclass(frozen=True)
class TargetRule:
    """The target column: its name (from params.yaml), its two classes, the positive one."""

    column: str
    values: tuple[Label, ...]
    positive: Label

    @property
    def dtype(self) -> ColumnType:
        if all(isinstance(value, bool) for value in self.values):
            return "bool"
        if all(isinstance(value, int) for value in self.values):
            return "int"
        return "category"

    @property
    def negative(self) -> Label:
        return next(value for value in self.values if value != self.positive)


@dataclasses.dataclass(frozen=True)
class Contract:
    """A parsed contract; ``path`` is kept so that every message can name it."""

    name: str
    path: Path
    description: str
    target: TargetRule
    columns: tuple[ColumnRule, ...]

    @property
    def feature_columns(self) -> list[str]:
        return [rule.name for rule in self.columns if rule.feature]

    @property
    def numeric_features(self) -> list[str]:
        return [
            rule.name for rule in self.columns if rule.feature and rule.dtype in ("float", "int")
        ]

    @property
    def categorical_features(self) -> list[str]:
        """Categories and booleans: both are one-hot encoded."""
        return [
            rule.name
            for rule in self.columns
            if rule.feature and rule.dtype in ("category", "bool")
        ]

    def rule(self, column: str) -> ColumnRule:
        return next(rule for rule in self.columns if rule.name == column)


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ContractError(f"{where}: {message}")


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    _require(
        isinstance(value, int | float) and not isinstance(value, bool),
        where,
        f"expected a number, found {quote(value)}",
    )
    return float(value)


def _flag(raw: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    _require(
        isinstance(value, bool), f"{where}.{key}", f"expected true or false, found {quote(value)}"
    )
    return bool(value)


def _parse_column(name: str, raw: Any, where: str) -> ColumnRule:
    _require(isinstance(raw, dict), where, f"expected a mapping of rules, found {quote(raw)}")
    unknown = sorted(set(raw) - COLUMN_KEYS)
    _require(
        not unknown, where, f"unknown key(s) {unknown}; expected some of {sorted(COLUMN_KEYS)}"
    )
    dtype = raw.get("dtype")
    _require(
        dtype in get_args(ColumnType),
        f"{where}.dtype",
        f"expected one of {list(get_args(ColumnType))}, found {quote(dtype)}",
    )
    minimum = _number(raw.get("min"), f"{where}.min")
    maximum = _number(raw.get("max"), f"{where}.max")
    categories = raw.get("categories")
    feature = _flag(raw, "feature", True, where)
    if dtype == "category" and (feature or categories is not None):
        # A feature must list its categories; free text kept out of the model (an id,
        # a comment) may leave them out.
        _require(
            isinstance(categories, list) and len(categories) > 0,
            f"{where}.categories",
            f"a category feature needs a non-empty list of categories, found {quote(categories)}",
        )
    elif dtype != "category":
        _require(categories is None, f"{where}.categories", f"only for dtype category, not {dtype}")
    if dtype not in ("float", "int"):
        _require(
            minimum is None and maximum is None, where, f"min/max apply to numbers, not {dtype}"
        )
    if minimum is not None and maximum is not None:
        _require(minimum <= maximum, where, f"min {minimum} is above max {maximum}")
    return ColumnRule(
        name=name,
        dtype=cast(ColumnType, dtype),
        nullable=_flag(raw, "nullable", False, where),
        minimum=minimum,
        maximum=maximum,
        categories=tuple(str(value) for value in categories) if categories else None,
        unique=_flag(raw, "unique", False, where),
        feature=feature,
    )


def _parse_target(raw: Any, column: str, where: str) -> TargetRule:
    _require(
        isinstance(raw, dict),
        where,
        f"expected a mapping with values and positive, found {quote(raw)}",
    )
    unknown = sorted(set(raw) - TARGET_KEYS)
    _require(not unknown, where, f"unknown key(s) {unknown}; expected {sorted(TARGET_KEYS)}")
    values = raw.get("values")
    _require(
        isinstance(values, list) and len(values) == 2 and values[0] != values[1],
        f"{where}.values",
        f"expected the two classes of a binary target, found {quote(values)}",
    )
    kinds = {type(value) for value in values}
    _require(
        len(kinds) == 1 and kinds <= {int, str, bool},
        f"{where}.values",
        f"expected two integers, two strings or true/false, found {quote(values)}",
    )
    positive = raw.get("positive")
    _require(
        positive in values,
        f"{where}.positive",
        f"expected one of {values}, found {quote(positive)}",
    )
    return TargetRule(column=column, values=tuple(values), positive=positive)


def load_contract(path: str | Path, target: str) -> Contract:
    """Read ``path``; ``target`` is the target column named in params.yaml (data.target)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ContractError(
            f"{path}: contract not found (params.yaml data.contract names it; "
            "see docs/adding-a-dataset.md)"
        ) from error
    except IsADirectoryError as error:
        raise ContractError(f"{path}: is a directory (expected a contract YAML file)") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ContractError(f"{path}: cannot be read ({error})") from error
    except yaml.YAMLError as error:
        raise ContractError(f"{path}: not valid YAML: {shorten(str(error))}") from error
    where = str(path)
    _require(isinstance(raw, dict), where, "expected a mapping with name, target and columns")
    unknown = sorted(set(raw) - TOP_KEYS)
    _require(not unknown, where, f"unknown key(s) {unknown}; expected some of {sorted(TOP_KEYS)}")
    columns = raw.get("columns")
    _require(
        isinstance(columns, dict) and len(columns) > 0,
        f"{where}.columns",
        "expected a mapping of column name to rules",
    )
    _require(
        target not in columns,
        f"{where}.columns",
        f"the target {quote(target)} is described under 'target:', not among the columns",
    )
    rules = tuple(
        _parse_column(str(name), rule, f"{where}.columns.{name}") for name, rule in columns.items()
    )
    _require(any(rule.feature for rule in rules), f"{where}.columns", "no column is a feature")
    return Contract(
        name=str(raw.get("name", path.stem)),
        path=path,
        description=str(raw.get("description", "")),
        target=_parse_target(raw.get("target"), target, f"{where}.target"),
        columns=rules,
    )


def _column_schema(rule: ColumnRule) -> pa.Column:
    checks: list[pa.Check] = []
    if rule.minimum is not None:
        checks.append(pa.Check.ge(rule.minimum))
    if rule.maximum is not None:
        checks.append(pa.Check.le(rule.maximum))
    if rule.categories is not None:
        checks.append(pa.Check.isin(list(rule.categories)))
    return pa.Column(
        _PANDAS_DTYPES[rule.dtype],
        checks=checks,
        nullable=rule.nullable,
        unique=rule.unique,
        required=True,
    )


_PANDAS_DTYPES: dict[ColumnType, Any] = {
    "float": "float64",
    "int": "Int64",  # nullable integers: an empty cell stays empty instead of becoming float
    "category": str,
    "bool": "boolean",
}


def build_schema(contract: Contract) -> pa.DataFrameSchema:
    """The pandera schema of the contract; strict, so unexpected columns are reported."""
    columns = {rule.name: _column_schema(rule) for rule in contract.columns}
    target = contract.target
    allowed = (
        [str(value) for value in target.values]
        if target.dtype == "category"
        else list(target.values)
    )
    columns[target.column] = pa.Column(
        _PANDAS_DTYPES[target.dtype], checks=[pa.Check.isin(allowed)], nullable=False
    )
    return pa.DataFrameSchema(columns, strict=True, name=contract.name)


def csv_dtypes(contract: Contract) -> dict[str, str]:
    """Columns to read as text: categories stay text even when they look like numbers."""
    text = {rule.name: "str" for rule in contract.columns if rule.dtype in ("category", "bool")}
    if contract.target.dtype in ("category", "bool"):
        text[contract.target.column] = "str"
    return text


@dataclasses.dataclass(frozen=True)
class Failure:
    """One offending value, in the shape of a row of pandera's failure cases."""

    column: str | None
    check: str
    value: Any
    row: Any


def _convert(series: pd.Series, dtype: ColumnType) -> tuple[pd.Series, pd.Series]:
    """Convert ``series`` to the contract type; return it with a mask of values that failed."""
    present = series.notna()
    if dtype == "category":
        return series.astype("str"), pd.Series(False, index=series.index)
    if dtype == "bool":
        words = series.astype("str").str.strip().str.lower()
        converted = pd.Series(pd.NA, index=series.index, dtype="boolean")
        converted[words.isin(TRUE_WORDS) & present] = True
        converted[words.isin(FALSE_WORDS) & present] = False
        return converted, present & converted.isna()
    if pd.api.types.is_bool_dtype(series):
        numbers = pd.Series(float("nan"), index=series.index)
    elif pd.api.types.is_numeric_dtype(series):
        numbers = series.astype("float64")
    else:
        numbers = pd.to_numeric(series, errors="coerce").astype("float64")
    failed = present & numbers.isna()
    if dtype == "float":
        return numbers, failed
    fractional = numbers.notna() & ~(np.isfinite(numbers) & (numbers % 1 == 0))
    failed |= fractional
    return numbers.where(~failed).astype("Int64"), failed


def _convert_all(frame: pd.DataFrame, contract: Contract) -> tuple[pd.DataFrame, list[Failure]]:
    kinds = {rule.name: rule.dtype for rule in contract.columns}
    kinds[contract.target.column] = contract.target.dtype
    failures: list[Failure] = []
    converted = {}
    for column in frame.columns:
        if column not in kinds:
            converted[column] = frame[column]
            continue
        values, failed = _convert(frame[column], kinds[column])
        converted[column] = values
        failures.extend(
            Failure(str(column), f"dtype {kinds[column]}", frame[column][row], row)
            for row in frame.index[failed]
        )
    return pd.DataFrame(converted, index=frame.index), failures


def _pandera_failures(cases: pd.DataFrame) -> list[Failure]:
    failures = []
    for case in cases.itertuples(index=False):
        column = str(case.column) if isinstance(case.column, str) else None
        check = str(case.check)
        if check == "column_in_dataframe":
            check, column = "missing column", str(case.failure_case)
        elif check == "column_in_schema":
            check, column = "unexpected column (not in the contract)", str(case.failure_case)
        elif check == "field_uniqueness":
            check = "unique"
        failures.append(Failure(column, check, case.failure_case, case.index))
    return failures


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


def _line(row: Any) -> str:
    """The file line of a row: the header is line 1 and blank lines are kept as rows."""
    return f"line {int(row) + 2}" if isinstance(row, int | np.integer) else "whole column"


def summarise(
    failures: Sequence[Failure],
    data: str | Path,
    contract: Contract,
    written: pd.DataFrame | None = None,
) -> str:
    """One line: file, contract and, per broken rule, the column and a few offending rows."""
    groups: dict[tuple[str | None, str], list[Failure]] = {}
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
            f"{_line(member.row)}: {_shown(member, written)}"
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


def validate_frame(
    frame: pd.DataFrame,
    contract: Contract,
    source: str | Path,
    written: Callable[[], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Return ``frame`` converted to the contract's types; raise one summary if it breaks it.

    ``source`` names the data in the message; ``written``, called only when there is
    something to report, gives the file's cells as text, to quote values as written.
    """
    converted, failures = _convert_all(frame, contract)
    broken = sorted({failure.column for failure in failures if failure.column is not None})
    schema = build_schema(contract).remove_columns(broken)
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
        raise ContractViolationError(summarise(failures, source, contract, cells))
    ordered: pd.DataFrame = validated[
        [*[rule.name for rule in contract.columns], contract.target.column]
    ]
    return ordered


def read_dataset(path: str | Path, contract: Contract) -> pd.DataFrame:
    """Read a CSV file and check it against ``contract``: what every stage reads data with."""
    frame = read_csv(path, dtype=csv_dtypes(contract))
    return validate_frame(frame, contract, path, lambda: read_written(path))


def target_labels(series: pd.Series, contract: Contract) -> pd.Series:
    """The target as plain Python-comparable labels (the contract's values)."""
    if contract.target.dtype == "int":
        return series.astype("int64")
    if contract.target.dtype == "bool":
        return series.astype("bool")
    return series.astype("str")
