"""The check of a request's records against the contract of the version that answers.

A record is a JSON object of column name to value. Each feature column of the contract
is checked as ``validate`` checks a file: a number (never a bool) within ``min`` and
``max``, a whole number for an ``int`` column, a listed category, ``true``/``false``, a
date in the column's format within its bounds; ``null`` or an absent field only where
the column is ``nullable``. The contract's other columns (an id, a text column, the
target) may be sent and are ignored: serving never echoes an input field back. Any other
field is refused, since a misspelt column name would otherwise be scored as missing.

Each check is compiled once per version (:class:`RecordSchema`), so a request pays a
dictionary lookup and a comparison or two per field. Every problem names the record (its
index in ``records``), the field and what was expected; all are reported at once.

Most records are valid, so a record is first tried on a fast path (:meth:`RecordSchema.valid`):
the same rules inlined in one loop, with no call, tuple or new dictionary per field, and
the record itself handed on when nothing needs converting. Only a record it does not
pass - a problem, a field left out, a date to convert - goes through the checks one by
one, which find what is wrong and say so. Both paths are tested to agree on every record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from {{ cookiecutter.package_name }}.data.contract import ColumnRule, Contract
from {{ cookiecutter.package_name }}.errors import quote

MAX_RECORDS = 1000  # per request: a larger batch belongs to `predict --env` (batch scoring)
BODY_SHAPE = '{"records": [{column: value, ...}, ...]}'
MAX_PROBLEMS = 20  # reported per request; the count says how many more there were
# The bounds of a number without min or max: finite, so that infinity fails the
# comparison as NaN does, and only the slow path has to say why.
LARGEST = sys.float_info.max
ABSENT = object()  # a field left out of a record (the fast path tells it from null)

# A column's check: the value as the model takes it, or the problem (a str) with it.
Check = Callable[[Any], tuple[Any, str | None]]


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason a request is refused: which record, which field, what was wrong."""

    record: int | None
    field: str | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"record": self.record, "field": self.field, "problem": self.problem}


def _bounds(rule: ColumnRule) -> str:
    low = "" if rule.minimum is None else f" from {rule.minimum:g}"
    high = "" if rule.maximum is None else f" to {rule.maximum:g}"
    return low + high


def _number_check(rule: ColumnRule) -> Check:
    whole = rule.dtype == "int"
    low = -math.inf if rule.minimum is None else rule.minimum
    high = math.inf if rule.maximum is None else rule.maximum
    kind = "a whole number" if whole else "a number"
    expected = f"expected {kind}{_bounds(rule)}"

    def check(value: Any) -> tuple[Any, str | None]:
        if type(value) is float or type(value) is int:  # the JSON types; bool is an int
            if not math.isfinite(value) or (whole and value != int(value)):
                return value, f"{expected}, found {quote(value)}"
            if low <= value <= high:
                return value, None
        return value, f"{expected}, found {quote(value)}"

    return check


def _category_check(rule: ColumnRule) -> Check:
    allowed = frozenset(rule.categories or ())
    expected = f"expected one of {sorted(allowed)}" if allowed else "expected a text value"

    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and (not allowed or value in allowed):
            return value, None
        return value, f"{expected}, found {quote(value)}"

    return check


def _bool_check(rule: ColumnRule) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool):
            return value, None
        return value, f"expected true or false, found {quote(value)}"

    return check


def _parse_moment(value: str, date_format: str | None) -> dt.datetime:
    moment = (
        dt.datetime.strptime(value, date_format)
        if date_format
        else dt.datetime.fromisoformat(value)
    )
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _datetime_check(rule: ColumnRule) -> Check:
    shape = f"'{rule.date_format}'" if rule.date_format else "ISO 8601"
    earliest = dt.datetime.min if rule.earliest is None else rule.earliest
    latest = dt.datetime.max if rule.latest is None else rule.latest
    within = "".join(
        [
            "" if rule.earliest is None else f" from {rule.earliest.isoformat()}",
            "" if rule.latest is None else f" to {rule.latest.isoformat()}",
        ]
    )
    expected = f"expected a date or time as {shape}{within}"

    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str):
            try:
                moment = _parse_moment(value, rule.date_format)
            except ValueError:
                return value, f"{expected}, found {quote(value)}"
            if earliest <= moment <= latest:
                return moment.isoformat(), None  # the model reads ISO 8601, naive UTC
        return value, f"{expected}, found {quote(value)}"

    return check


CHECKS: dict[str, Callable[[ColumnRule], Check]] = {
    "float": _number_check,
    "int": _number_check,
    "category": _category_check,
    "bool": _bool_check,
    "datetime": _datetime_check,
}


class RequestError(ValueError):
    """A request the contract refuses: every :class:`Problem` found (serving answers 422)."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        first = self.problems[0]
        where = "" if first.record is None else f"record {first.record}"
        where += "" if first.field is None else f", field {first.field!r}"
        super().__init__(f"{where}: {first.problem}" if where else first.problem)


class RecordSchema:
    """The compiled checks of one contract's feature columns (one per served version)."""

    def __init__(self, contract: Contract, max_records: int = MAX_RECORDS) -> None:
        self.max_records = max_records
        self.columns: list[tuple[str, bool, Check]] = [
            (rule.name, rule.nullable, CHECKS[rule.dtype](rule))
            for rule in contract.columns
            if rule.feature
        ]
        ignored = [rule.name for rule in contract.columns if not rule.feature]
        self.known = frozenset([*(name for name, _, _ in self.columns), *ignored])
        self.known_fields = frozenset([*self.known, contract.target.column])
        features = [rule for rule in contract.columns if rule.feature]
        self._numbers = [
            (
                rule.name,
                rule.nullable,
                -LARGEST if rule.minimum is None else rule.minimum,
                LARGEST if rule.maximum is None else rule.maximum,
                rule.dtype == "int",
            )
            for rule in features
            if rule.dtype in ("float", "int")
        ]
        self._categories = [
            (rule.name, rule.nullable, frozenset(rule.categories or ()))
            for rule in features
            if rule.dtype == "category"
        ]
        self._bools = [(rule.name, rule.nullable) for rule in features if rule.dtype == "bool"]
        # A date is handed on converted (ISO 8601, naive UTC): never on the fast path.
        self._fast = all(rule.dtype in CHECKS and rule.dtype != "datetime" for rule in features)

    def valid(self, record: Mapping[str, Any]) -> bool:
        """Whether ``record`` passes every check as it is, every feature field present.

        The rules of the checks above, inlined: a False sends the record to
        :meth:`check_record`, which finds the problems (or converts what needs it).
        """
        if not self._fast:
            return False
        get = record.get
        for name, nullable, low, high, whole in self._numbers:
            value = get(name, ABSENT)
            kind = type(value)
            if kind is float:
                if not low <= value <= high or (whole and not value.is_integer()):
                    return False
            elif kind is int:
                if not low <= value <= high:
                    return False
            elif value is not None or not nullable:
                return False
        for name, nullable, allowed in self._categories:
            value = get(name, ABSENT)
            if type(value) is str:
                if allowed and value not in allowed:
                    return False
            elif value is not None or not nullable:
                return False
        for name, nullable in self._bools:
            value = get(name, ABSENT)
            if type(value) is not bool and (value is not None or not nullable):
                return False
        return self.known_fields.issuperset(record)

    def check_record(self, index: int, record: Any) -> tuple[dict[str, Any], list[Problem]]:
        """The record's feature values as the model takes them, and what is wrong with it."""
        if not isinstance(record, Mapping):
            found = quote(record)
            return {}, [Problem(index, None, f"expected an object of fields, found {found}")]
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, nullable, check in self.columns:
            value = record.get(name)
            if value is None:
                if not nullable:
                    missing = "absent" if name not in record else "null"
                    problems.append(Problem(index, name, f"expected a value, found {missing}"))
                values[name] = None
                continue
            value, problem = check(value)
            if problem is not None:
                problems.append(Problem(index, name, problem))
            values[name] = value
        if len(record) > len(values):
            for field in record:
                if field not in self.known_fields:
                    problems.append(
                        Problem(index, str(field), "unknown field: not a column of the contract")
                    )
        return values, problems

    def check(self, body: Any) -> list[dict[str, Any]]:
        """The records of a request body ``{"records": [...]}``, checked; or RequestError."""
        if not isinstance(body, Mapping) or set(body) != {"records"}:
            found = sorted(body) if isinstance(body, Mapping) else type(body).__name__
            raise RequestError([Problem(None, None, f"expected {BODY_SHAPE} alone, found {found}")])
        records = body["records"]
        if not isinstance(records, list) or not 1 <= len(records) <= self.max_records:
            size = len(records) if isinstance(records, list) else quote(records)
            raise RequestError(
                [
                    Problem(
                        None,
                        "records",
                        f"expected a list of 1 to {self.max_records} records, found {size}",
                    )
                ]
            )
        checked: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for index, record in enumerate(records):
            if isinstance(record, dict) and self.valid(record):
                checked.append(record)
                continue
            values, found = self.check_record(index, record)
            checked.append(values)
            problems.extend(found)
        if problems:
            raise RequestError(problems[:MAX_PROBLEMS], total=len(problems))
        return checked
