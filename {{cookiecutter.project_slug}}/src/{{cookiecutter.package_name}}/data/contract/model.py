"""The contract itself: what a valid file of a dataset looks like, read from its YAML file.

``contracts/<name>.yaml`` lists every column with its type (float, int, category,
bool, datetime, text), range, whether it may be empty, its allowed categories and
whether values must be unique, plus the allowed values of the target. A datetime
column may give its ``format`` (strftime codes; ISO 8601 when absent) and bounds as
ISO dates; a text column is kept for reference and checked, never learned from. :func:`load_contract` reads it
into a :class:`Contract`, refusing a malformed file with one message naming the key;
``train`` takes its numeric and categorical columns from it instead of guessing them
from pandas dtypes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from {{ cookiecutter.package_name }}.errors import InputError, quote
from {{ cookiecutter.package_name }}.io import read_yaml

ColumnType = Literal["float", "int", "category", "bool", "datetime", "text"]
Label = int | str | bool
COLUMN_KEYS = frozenset(
    {"dtype", "min", "max", "nullable", "categories", "unique", "feature", "format", "pii"}
)
# ``pii:`` of a column holding personal data (docs/privacy.md): ``drop`` it before the
# split, ``hash`` it (HMAC-SHA256, salt from the environment), or ``none``: reviewed, and
# not personal although the PII scan (data/pii.py) flags it.
Pii = Literal["drop", "hash", "none"]
Task = Literal["binary", "multiclass", "regression"]
# Which keys of ``target:`` set which task: the task is read from the keys present.
TARGET_KEYS: dict[Task, frozenset[str]] = {
    "binary": frozenset({"values", "positive"}),
    "multiclass": frozenset({"classes"}),
    "regression": frozenset({"dtype", "min", "max"}),
}
TOP_KEYS = frozenset({"name", "description", "target", "columns", "slices"})
# A slice column splits the rows into groups (a region, a product line) that evaluate
# scores one by one: a column of a few distinct values.
SLICE_TYPES: tuple[ColumnType, ...] = ("category", "bool", "int")


class ContractError(InputError):
    """A contract file that is missing or malformed."""


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
    # datetime columns: strftime format (None: ISO 8601) and bounds, naive UTC.
    date_format: str | None = None
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None
    pii: Pii | None = None


@dataclasses.dataclass(frozen=True)
class TargetRule:
    """The target column (its name comes from params.yaml) and the task it sets.

    - binary: ``values`` holds the two classes and ``positive`` the one whose
      probability the model reports;
    - multiclass: ``values`` holds the classes (three or more), in the order the
      probability columns of ``predict`` follow;
    - regression: no classes; ``minimum`` and ``maximum`` bound a plausible value and
      ``number`` says whether it is a float or an int.
    """

    column: str
    task: Task
    values: tuple[Label, ...] = ()
    positive: Label | None = None
    number: Literal["float", "int"] = "float"
    minimum: float | None = None
    maximum: float | None = None

    @property
    def dtype(self) -> ColumnType:
        if self.task == "regression":
            return self.number
        if all(isinstance(value, bool) for value in self.values):
            return "bool"
        if all(isinstance(value, int) for value in self.values):
            return "int"
        return "category"

    @property
    def classes(self) -> tuple[Label, ...]:
        """The classes a classifier predicts, in the contract's order (none for regression)."""
        return self.values

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
    # Columns whose values evaluate reports every metric for (``slices:``).
    slices: tuple[str, ...] = ()

    @property
    def feature_columns(self) -> list[str]:
        return [rule.name for rule in self.columns if rule.feature]

    @property
    def echoed_columns(self) -> list[str]:
        """The columns an output of predictions carries back: an id, say; never a
        feature, and never a column declared ``pii: drop`` or ``pii: hash``."""
        return [
            rule.name for rule in self.columns if not rule.feature and rule.pii in (None, "none")
        ]

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

    @property
    def datetime_features(self) -> list[str]:
        """Dates and times: each becomes its calendar parts (features/calendar_encoder.py)."""
        return [rule.name for rule in self.columns if rule.feature and rule.dtype == "datetime"]


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


def _moment(value: Any, where: str) -> dt.datetime | None:
    """A bound of a datetime column: a YAML date or an ISO 8601 text, as naive UTC."""
    if value is None:
        return None
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(value.strip())
    if moment is None:
        raise ContractError(
            f"{where}: expected an ISO 8601 date or time (2024-01-31, 2024-01-31T08:00), "
            f"found {quote(value)}"
        )
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


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
    categories = raw.get("categories")
    pii = _parse_pii(raw.get("pii"), dtype, where)
    personal = pii in ("drop", "hash")
    feature = _flag(raw, "feature", dtype != "text" and not personal, where)
    _require(
        not (personal and feature),
        f"{where}.feature",
        f"a column declared pii: {pii} is never learned from: expected false",
    )
    _require(
        pii != "hash" or raw.get("categories") is None,
        f"{where}.categories",
        "a hashed column (pii: hash) has no categories: its values become hashes",
    )
    if dtype != "category":
        _require(categories is None, f"{where}.categories", f"only for dtype category, not {dtype}")
    elif feature or categories is not None:
        # A feature must list its categories; an identifier kept out of the model may not.
        _require(
            isinstance(categories, list) and len(categories) > 0,
            f"{where}.categories",
            f"a category feature needs a non-empty list of categories, found {quote(categories)}",
        )
    _require(
        dtype != "text" or not feature,
        f"{where}.feature",
        "a text column is kept for reference and checked, not learned from: expected false",
    )
    date_format = raw.get("format")
    if dtype != "datetime":
        _require(date_format is None, f"{where}.format", f"only for dtype datetime, not {dtype}")
    elif date_format is not None:
        _require(
            isinstance(date_format, str) and "%" in date_format,
            f"{where}.format",
            f"expected strftime codes such as '%d/%m/%Y %H:%M', found {quote(date_format)}",
        )
    minimum = maximum = earliest = latest = None
    if dtype in ("float", "int"):
        minimum = _number(raw.get("min"), f"{where}.min")
        maximum = _number(raw.get("max"), f"{where}.max")
        _require(
            minimum is None or maximum is None or minimum <= maximum,
            where,
            f"min {minimum} is above max {maximum}",
        )
    elif dtype == "datetime":
        earliest = _moment(raw.get("min"), f"{where}.min")
        latest = _moment(raw.get("max"), f"{where}.max")
        _require(
            earliest is None or latest is None or earliest <= latest,
            where,
            f"min {earliest} is after max {latest}",
        )
    else:
        _require(
            raw.get("min") is None and raw.get("max") is None,
            where,
            f"min/max apply to numbers and dates, not {dtype}",
        )
    return ColumnRule(
        name=name,
        dtype=dtype,
        nullable=_flag(raw, "nullable", False, where),
        minimum=minimum,
        maximum=maximum,
        categories=tuple(str(value) for value in categories) if categories else None,
        unique=_flag(raw, "unique", False, where),
        feature=feature,
        date_format=date_format,
        earliest=earliest,
        latest=latest,
        pii=pii,
    )


def _parse_pii(value: Any, dtype: str, where: str) -> Pii | None:
    if value is None:
        return None
    _require(
        value in get_args(Pii),
        f"{where}.pii",
        f"expected one of {list(get_args(Pii))}, found {quote(value)}",
    )
    _require(
        value != "hash" or dtype in ("text", "category"),
        f"{where}.pii",
        f"pii: hash turns values into text: expected dtype text or category, found {dtype}",
    )
    pii: Pii = value
    return pii


TARGET_FORMS = (
    "{values: [<class>, <class>], positive: <class>} (binary), "
    "{classes: [<class>, <class>, <class>, ...]} (multiclass) or "
    "{dtype: float|int, min: <number>, max: <number>} (regression)"
)


def _target_task(raw: Any, where: str) -> Task:
    """The task the keys of ``target:`` set; anything else is one error naming the forms."""
    _require(isinstance(raw, dict), where, f"expected one of {TARGET_FORMS}, found {quote(raw)}")
    keys = set(raw)
    tasks = [task for task, allowed in TARGET_KEYS.items() if keys and keys <= allowed]
    if len(tasks) == 1:
        return tasks[0]
    # The form sharing most keys is the one meant: name the keys that do not belong to it.
    closest = max(TARGET_KEYS, key=lambda task: len(keys & TARGET_KEYS[task]))
    _require(
        not keys & TARGET_KEYS[closest],
        where,
        f"unknown key(s) {sorted(keys - TARGET_KEYS[closest])} for a {closest} target; "
        f"expected {sorted(TARGET_KEYS[closest])}",
    )
    raise ContractError(
        f"{where}: expected the keys of one of {TARGET_FORMS}, found {sorted(keys)}"
    )


def _labels(values: Any, where: str, fewest: int, meaning: str) -> tuple[Label, ...]:
    _require(
        isinstance(values, list) and len(values) >= fewest,
        where,
        f"expected {meaning}, found {quote(values)}",
    )
    kinds = {type(value) for value in values}
    _require(
        kinds in ({int}, {str}, {bool}),
        where,
        f"expected integers, strings or true/false (one kind), found {quote(values)}",
    )
    repeated = sorted({str(value) for value in values if values.count(value) > 1})
    _require(not repeated, where, f"each class once, found {repeated} repeated")
    return tuple(values)


def _parse_target(raw: Any, column: str, where: str) -> TargetRule:
    task = _target_task(raw, where)
    if task == "binary":
        values = _labels(
            raw.get("values"), f"{where}.values", 2, "the two classes of a binary target"
        )
        _require(
            len(values) == 2,
            f"{where}.values",
            f"expected the two classes of a binary target (list three or more under "
            f"'classes:' for a multiclass one), found {quote(list(values))}",
        )
        positive = raw.get("positive")
        _require(
            positive in values and type(positive) is type(values[0]),
            f"{where}.positive",
            f"expected one of {list(values)}, found {quote(positive)}",
        )
        return TargetRule(column=column, task=task, values=values, positive=positive)
    if task == "multiclass":
        classes = _labels(
            raw.get("classes"),
            f"{where}.classes",
            3,
            "three or more classes (a two-class target is binary: values and positive)",
        )
        return TargetRule(column=column, task=task, values=classes)
    number = raw.get("dtype")
    _require(
        number in ("float", "int"),
        f"{where}.dtype",
        f"expected float or int (a regression target is a number), found {quote(number)}",
    )
    minimum = _number(raw.get("min"), f"{where}.min")
    maximum = _number(raw.get("max"), f"{where}.max")
    _require(
        minimum is not None and maximum is not None and minimum < maximum,
        where,
        f"expected plausible bounds min < max for a regression target, found min "
        f"{quote(raw.get('min'))} and max {quote(raw.get('max'))}",
    )
    return TargetRule(column=column, task=task, number=number, minimum=minimum, maximum=maximum)


def _parse_slices(raw: Any, rules: tuple[ColumnRule, ...], where: str) -> tuple[str, ...]:
    """The slice columns: each a listed column of a few values (category, bool or int)."""
    _require(
        isinstance(raw, list) and all(isinstance(name, str) for name in raw),
        where,
        f"expected a list of column names, found {quote(raw)}",
    )
    dtypes = {rule.name: rule.dtype for rule in rules}
    for name in raw:
        _require(
            name in dtypes,
            where,
            f"{quote(name)} is not a column of the contract; expected some of {sorted(dtypes)}",
        )
        _require(
            dtypes[name] in SLICE_TYPES,
            where,
            f"{quote(name)} is {dtypes[name]}; a slice column is one of {list(SLICE_TYPES)} "
            "(a few distinct values)",
        )
    repeated = sorted({name for name in raw if raw.count(name) > 1})
    _require(not repeated, where, f"each column once, found {repeated} repeated")
    return tuple(raw)


def load_contract(path: str | Path, target: str) -> Contract:
    """Read ``path``; ``target`` is the target column named in params.yaml (data.target)."""
    path = Path(path)
    raw = read_yaml(
        path,
        ContractError,
        "contract not found (params.yaml data.contract names it; see docs/adding-a-dataset.md)",
        "a contract YAML file",
    )
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
        slices=_parse_slices(raw.get("slices", []), rules, f"{where}.slices"),
    )
