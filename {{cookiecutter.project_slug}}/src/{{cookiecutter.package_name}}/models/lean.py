"""The fitted pipeline as plain arrays and JSON, evaluated with numpy alone.

Serving answers one-record requests; through the fitted scikit-learn pipeline each
costs milliseconds of framework overhead (pandas, input checks, the
``ColumnTransformer``), not arithmetic. And serving must never unpickle anything: the
boundary between training and serving is data, not code. So :meth:`LeanModel.from_pipeline`
reads what every fitted step learned (the imputer's fills, the clipper's bounds, the
spline knots, the categories, the model's coefficients or trees) into a JSON document
(structure: step kinds, columns, categories, classes) and named arrays (saved with
``np.savez``, read back with ``allow_pickle=False``), and :class:`LeanModel` applies
the same maths with numpy, every constant prepared at load time.

The maths follows scikit-learn's own code (1.9): ``SplineTransformer.transform`` (the
bases from de Boor's recursion as scipy's ``_deBoor_D`` runs it, turned into one
polynomial per knot interval at load time; "constant" extrapolation is the bases at the
nearest end of the training range), ``_predict_proba_lr`` and ``softmax`` of
``LogisticRegression``, ``Tree.apply`` (features compared as float32, NaN following
``missing_go_to_left``), and ``_raw_predict`` of the histogram gradient boosting
models. A step or option without an exact counterpart here is refused when exporting,
naming it: never a silently different answer. Where scikit-learn refuses a NaN (the
non-linear expansion, the linear models), so does this.

Decisions are ``evaluate.decide``'s: a binary target's positive class from the
threshold on, a multiclass target's most probable class (a tie to the class listed
first in the contract), a regression target's number; probabilities in the contract's
order of the classes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from {{ cookiecutter.package_name }}.errors import InputError, quote

if TYPE_CHECKING:
    import pandas as pd

    from {{ cookiecutter.package_name }}.data.contract import Contract, Label

FORMAT = "lean-model"
FORMAT_VERSION = 1
JSON_FILE = "lean.json"
ARRAYS_FILE = "lean.npz"

FloatArray = npt.NDArray[np.float64]
AnyArray = npt.NDArray[Any]
Step = Callable[[FloatArray], FloatArray]
Records = Sequence[Mapping[str, Any]]
MICROSECONDS_PER_HOUR = 3_600_000_000
MICROSECONDS_PER_MINUTE = 60_000_000
UNIX_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday is 0, as in pandas)
# The cyclic calendar parts, as CalendarEncoder encodes them: (start of cycle, period;
# None: the length of the date's own year).
CYCLES: dict[str, tuple[int, int | None]] = {
    "month": (1, 12),
    "day_of_week": (0, 7),
    "day_of_year": (1, None),
    "hour": (0, 24),
    "minute": (0, 60),
}


class LeanModelError(InputError):
    """A malformed export, a step or option the lean path does not support, or bad input."""


@dataclass(frozen=True)
class LeanPrediction:
    """Per row: the class (a contract label) or the number; and for a class target the
    probability of each class, columns in the contract's order of the classes."""

    predicted: list[Any]
    probabilities: FloatArray | None


# ------------------------------------------------------------------ reading the export


class Fields:
    """A JSON object of the export, whose every missing or mistyped key is an error
    naming the file and the key's path (``lean.json: branches[0].columns``)."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise LeanModelError(f"{JSON_FILE}: {where}: expected an object, found {quote(value)}")
        self.value = value
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> LeanModelError:
        return LeanModelError(f"{JSON_FILE}: key {self.path(key)!r}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...]) -> Any:
        if key not in self.value:
            raise LeanModelError(f"{JSON_FILE}: key {self.path(key)!r} is missing")
        found = self.value[key]
        if not isinstance(found, kind) or (kind is int and isinstance(found, bool)):
            raise self.error(key, f"expected {_kind_name(kind)}, found {quote(found)}")
        return found

    def names(self, key: str) -> list[str]:
        names = self.get(key, list)
        if not all(isinstance(name, str) for name in names):
            raise self.error(key, f"expected a list of text, found {quote(names)}")
        return list(names)

    def child(self, key: str) -> Fields:
        return Fields(self.get(key, dict), self.path(key))


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _labels(values: Sequence[Any]) -> bool:
    """Whether ``values`` are distinct texts, numbers or booleans (class labels, categories)."""
    return all(isinstance(value, str | int | float) for value in values) and len(
        set(values)
    ) == len(values)


def _no_constant(name: str) -> Any:
    """JSON has no NaN or infinity; Python's reader would accept them."""
    raise LeanModelError(f"{JSON_FILE}: {name} is not a JSON number")


class ArrayStore:
    """The export's arrays; :meth:`take` checks one's shape, dtype and finiteness and
    remembers it was used, so arrays nothing reads are refused too."""

    def __init__(self, arrays: Mapping[str, AnyArray]) -> None:
        self.arrays = dict(arrays)
        self.used: set[str] = set()

    def take(
        self, key: str, shape: tuple[int | None, ...], kind: str = "f", finite: bool = True
    ) -> AnyArray:
        """The array ``key``: ``shape`` (None: any length), of dtype kind ``kind`` ("f"
        float, "i" integer, "b" bool); ``finite``: no NaN or infinity (NaN is refused
        always for floats)."""
        if key not in self.arrays:
            raise LeanModelError(f"{ARRAYS_FILE}: array {key!r} is missing")
        array = self.arrays[key]
        expected = "(" + ", ".join("any" if size is None else str(size) for size in shape) + ")"
        if array.ndim != len(shape) or any(
            size is not None and size != found
            for size, found in zip(shape, array.shape, strict=False)
        ):
            raise LeanModelError(
                f"{ARRAYS_FILE}: array {key!r}: expected shape {expected}, found {array.shape}"
            )
        if array.dtype.kind != kind and not (kind == "i" and array.dtype.kind == "u"):
            raise LeanModelError(
                f"{ARRAYS_FILE}: array {key!r}: expected dtype kind {kind!r}, found {array.dtype}"
            )
        if kind == "f":
            bad = ~np.isfinite(array) if finite else np.isnan(array)
            if bad.any():
                what = "finite numbers" if finite else "numbers (no NaN)"
                raise LeanModelError(f"{ARRAYS_FILE}: array {key!r}: expected {what}")
        self.used.add(key)
        return array

    def indices(self, key: str, shape: tuple[int | None, ...], low: int, high: int) -> AnyArray:
        """An integer array whose every value lies in ``[low, high)``."""
        array = self.take(key, shape, kind="i")
        if array.size and (array.min() < low or array.max() >= high):
            raise LeanModelError(
                f"{ARRAYS_FILE}: array {key!r}: expected indices in [{low}, {high}), found "
                f"{int(array.min())} to {int(array.max())}"
            )
        return array.astype(np.intp)


# --------------------------------------------------------------------- the numeric steps
# Each builder reads one step's fields and arrays for ``width`` input columns and returns
# the step and its output width.


def _impute(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    fills = arrays.take(f"{key}.statistics", (width,))
    return (lambda data: np.where(np.isnan(data), fills, data)), width


def _clip(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    # An all-NaN training column has the bounds -inf and +inf: infinite, never NaN.
    lower = arrays.take(f"{key}.lower", (width,), finite=False)
    upper = arrays.take(f"{key}.upper", (width,), finite=False)
    return (lambda data: np.clip(data, lower, upper)), width


def _scale(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    center = arrays.take(f"{key}.center", (width,))
    scale = arrays.take(f"{key}.scale", (width,))
    if (scale == 0).any():
        raise LeanModelError(f"{ARRAYS_FILE}: array {key + '.scale'!r}: expected no zero scale")
    return (lambda data: (data - center) / scale), width


def _decorrelate(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    kept = np.flatnonzero(arrays.take(f"{key}.support", (width,), kind="b"))
    return (lambda data: data[:, kept]), len(kept)


def _complete(data: FloatArray, step: str) -> None:
    """The non-linear expansion, like scikit-learn's, needs complete data."""
    if np.isnan(data).any():
        row, column = (int(index[0]) for index in np.nonzero(np.isnan(data)))
        raise LeanModelError(
            f"{step}: NaN at row {row}, column {column} of its input; expected complete data "
            "(features.imputation enabled in params.yaml)"
        )


def de_boor(knots: FloatArray, x: FloatArray, interval: AnyArray, degree: int) -> FloatArray:
    """The ``degree + 1`` B-spline bases that can be non-zero on knot interval
    ``[t[l], t[l + 1]]`` (``l = interval``), at ``x``: shape ``x.shape + (degree + 1,)``,
    the first for basis ``l - degree``. One column of knots per column of ``x``.

    De Boor's recursion, written as scipy's ``_deBoor_D`` (what ``BSpline`` and so
    ``SplineTransformer`` evaluate with) runs it.
    """
    columns = np.arange(knots.shape[0])
    bases = np.zeros((*x.shape, degree + 1))
    bases[..., 0] = 1.0
    for j in range(1, degree + 1):
        previous = bases[..., :j].copy()
        bases[..., 0] = 0.0
        for n in range(1, j + 1):
            after = knots[columns, interval + n]
            before = knots[columns, interval + n - j]
            weight = previous[..., n - 1] / (after - before)
            bases[..., n - 1] += weight * (after - x)
            bases[..., n] = weight * (x - before)
    return bases


def spline_table(knots: FloatArray, degree: int) -> FloatArray:
    """Each column's B-spline bases as polynomials, one per knot interval.

    ``table[c, i, s, p]``: on interval ``i`` of column ``c`` (``[t[degree + i],
    t[degree + i + 1]]``), basis ``s`` is ``sum_p table[c, i, s, p] * v**p`` where ``v``
    runs from 0 to 1 across the interval. A basis is a polynomial of ``degree`` on each
    interval, so de Boor's values at ``degree + 1`` points of it fix its coefficients
    (the points evenly spread, so the small Vandermonde system is well conditioned).
    Evaluating the table costs a handful of numpy calls whatever the degree: what lets
    one record through the spline step in microseconds.
    """
    width, count = knots.shape
    n_splines = count - degree - 1
    intervals = n_splines - degree
    points = np.linspace(0.0, 1.0, degree + 1)
    start = knots[:, degree:n_splines]
    span = knots[:, degree + 1 : n_splines + 1] - start
    # Sample rows: (interval, point); columns: the knot columns.
    x = (start[:, :, None] + span[:, :, None] * points).transpose(1, 2, 0)
    interval = np.broadcast_to(np.arange(degree, n_splines)[:, None, None], x.shape)
    values = de_boor(knots, x, interval, degree)  # (interval, point, column, basis)
    vandermonde = points[:, None] ** np.arange(degree + 1)
    solved = np.linalg.solve(vandermonde, values.transpose(1, 0, 2, 3).reshape(degree + 1, -1))
    coefficients = solved.reshape(degree + 1, intervals, width, degree + 1)  # p, i, c, r
    table = np.zeros((width, intervals, n_splines, degree + 1))
    for i in range(intervals):
        # On interval i the non-zero bases are i .. i + degree.
        table[:, i, i : i + degree + 1, :] = coefficients[:, i].transpose(1, 2, 0)
    return table


def _spline(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    """B-splines with constant extrapolation, every column at once.

    Beyond the training range SplineTransformer gives the first (last) ``degree`` bases
    their values at the range's end and the others zero; those are exactly the bases
    at the end itself, so the input is clipped to the range. Inside, each value's knot
    interval picks its row of :func:`spline_table`.
    """
    degree = fields.get("degree", int)
    include_bias = fields.get("include_bias", bool)
    knots = arrays.take(f"{key}.knots", (width, None))
    n_splines = knots.shape[1] - degree - 1
    if degree < 1 or n_splines < 2 or (np.diff(knots, axis=1) <= 0).any():
        raise LeanModelError(
            f"{ARRAYS_FILE}: array {key + '.knots'!r}: expected increasing knots, at least "
            f"degree + 3 per column, for degree {degree} >= 1; found shape {knots.shape}"
        )
    kept = n_splines if include_bias else n_splines - 1
    table = np.ascontiguousarray(spline_table(knots, degree)[:, :, :kept, :])
    lower, upper = knots[:, degree], knots[:, n_splines]
    inner = np.ascontiguousarray(knots[:, degree + 1 : n_splines])  # interval boundaries
    start = knots[:, degree:n_splines]
    span = knots[:, degree + 1 : n_splines + 1] - start
    columns = np.arange(width)
    powers = np.arange(degree + 1)

    def expand(data: FloatArray) -> FloatArray:
        _complete(data, "spline expansion")
        x = np.minimum(np.maximum(data, lower), upper)
        # The interval [t[l], t[l + 1]) of each value, counted from t[degree]; the last
        # one is closed (x at the upper end stays in it).
        interval = (inner <= x[:, :, None]).sum(axis=2)
        v = (x - start[columns, interval]) / span[columns, interval]
        bases = np.einsum("rwsp,rwp->rws", table[columns, interval], v[:, :, None] ** powers)
        flat: FloatArray = bases.reshape(len(data), width * kept)
        return flat

    return expand, width * kept


def _polynomial(fields: Fields, arrays: ArrayStore, key: str, width: int) -> tuple[Step, int]:
    powers = arrays.indices(f"{key}.powers", (None, width), 0, 64)

    def expand(data: FloatArray) -> FloatArray:
        _complete(data, "polynomial expansion")
        products: FloatArray = np.prod(data[:, None, :] ** powers, axis=2)
        return products

    return expand, powers.shape[0]


NUMERIC_STEPS: dict[str, Callable[[Fields, ArrayStore, str, int], tuple[Step, int]]] = {
    "impute": _impute,
    "clip": _clip,
    "scale": _scale,
    "decorrelate": _decorrelate,
    "spline": _spline,
    "polynomial": _polynomial,
}


# --------------------------------------------------------------- reading raw values
# A branch's first step reads its columns' raw values (from records or from a frame)
# into a float matrix: numbers as they are, categories one-hot, dates as calendar parts.


def _record_values(records: Records, columns: Sequence[str]) -> list[list[Any]]:
    try:
        return [[record[column] for column in columns] for record in records]
    except KeyError as missing:
        raise LeanModelError(
            f"record without the feature column {missing.args[0]!r}; expected every feature "
            f"column: {list(columns)}"
        ) from None


class NumberReader:
    """Numeric columns as they are; None (or NaN) is missing, infinity an error."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.width = len(columns)

    def records(self, records: Records) -> FloatArray:
        rows = _record_values(records, self.columns)
        try:
            values = np.array(rows, dtype=np.float64).reshape(len(rows), self.width)
        except (TypeError, ValueError):
            raise self._not_a_number(rows) from None
        return self._checked(values)

    def frame(self, frame: pd.DataFrame) -> FloatArray:
        values: FloatArray = frame[self.columns].to_numpy(dtype=np.float64, na_value=np.nan)
        return self._checked(values)

    def _not_a_number(self, rows: list[list[Any]]) -> LeanModelError:
        for row, values in enumerate(rows):
            for column, value in zip(self.columns, values, strict=True):
                try:
                    float(value if value is not None else "nan")
                except (TypeError, ValueError):
                    return LeanModelError(
                        f"column {column!r} holds {quote(value)} at row {row}; expected a "
                        "number or None"
                    )
        return LeanModelError(f"columns {self.columns}: expected numbers or None")

    def _checked(self, values: FloatArray) -> FloatArray:
        infinite = np.isinf(values)
        if infinite.any():
            row, column = (int(index[0]) for index in np.nonzero(infinite))
            raise LeanModelError(
                f"column {self.columns[column]!r} holds inf at row {row}; expected a finite "
                "number or None"
            )
        return values


class CategoryReader:
    """One-hot, as CategoryEncoder: a value that is missing, rare or unseen is all zeros
    in its column's block. A dictionary lookup matches as CategoryEncoder's ``==`` does
    (True is 1, NaN matches nothing)."""

    def __init__(self, columns: list[str], categories: list[list[Any]]) -> None:
        self.columns = columns
        self.categories = categories
        offsets = np.cumsum([0] + [len(kept) for kept in categories])
        self.lookups = [
            {category: int(offset + index) for index, category in enumerate(kept)}
            for kept, offset in zip(categories, offsets, strict=False)
        ]
        self.width = int(offsets[-1])

    def records(self, records: Records) -> FloatArray:
        return self._encode(_record_values(records, self.columns))

    def frame(self, frame: pd.DataFrame) -> FloatArray:
        blocks = frame[self.columns].astype(object)
        return self._encode(blocks.where(blocks.notna(), None).to_numpy().tolist())

    def _encode(self, rows: list[list[Any]]) -> FloatArray:
        encoded = np.zeros((len(rows), self.width))
        for row, values in enumerate(rows):
            for lookup, value in zip(self.lookups, values, strict=True):
                try:
                    position = lookup.get(value)
                except TypeError:  # unhashable: not a category
                    position = None
                if position is not None:
                    encoded[row, position] = 1.0
        return encoded


def _moment(value: Any, column: str) -> np.datetime64:
    """A record's date: an ISO-8601 string (an offset is converted to UTC, as the
    contract reads dates), a datetime, or None (missing)."""
    if value is None:
        return np.datetime64("NaT", "us")
    moment = value
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if not isinstance(moment, dt.datetime):
        raise LeanModelError(
            f"column {column!r}: expected an ISO-8601 date and time or None, found {quote(value)}"
        )
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return np.datetime64(moment, "us")


def calendar_parts(stamps: npt.NDArray[np.datetime64], parts: Sequence[str]) -> FloatArray:
    """CalendarEncoder's columns for one column of dates (NaT: NaN in every part)."""
    missing = np.isnat(stamps)
    stamps = np.where(missing, np.datetime64(0, "us"), stamps)
    days = stamps.astype("datetime64[D]")
    years = stamps.astype("datetime64[Y]")
    year_start = years.astype("datetime64[D]")
    since_midnight = (stamps - days).astype(np.int64)
    positions: dict[str, AnyArray] = {
        "month": stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1,
        "day_of_week": (days.astype(np.int64) + UNIX_EPOCH_WEEKDAY) % 7,
        "day_of_year": (days - year_start).astype(np.int64) + 1,
        "hour": since_midnight // MICROSECONDS_PER_HOUR,
        "minute": since_midnight // MICROSECONDS_PER_MINUTE % 60,
    }
    blocks: list[AnyArray] = []
    for part in parts:
        if part == "year":
            blocks.append(years.astype(np.int64) + 1970.0)
            continue
        start, period = CYCLES[part]
        if period is None:
            length: AnyArray | int = ((years + 1).astype("datetime64[D]") - year_start).astype(
                np.int64
            )
        else:
            length = period
        angle = 2 * np.pi * (positions[part] - start) / length
        blocks += [np.sin(angle), np.cos(angle)]
    encoded: FloatArray = np.column_stack(blocks).astype(np.float64)
    encoded[missing] = np.nan
    return encoded


class DateReader:
    """Date columns as CalendarEncoder's parts (a missing date: NaN in each)."""

    def __init__(self, columns: list[str], parts: list[str]) -> None:
        self.columns = columns
        self.parts = parts
        self.width = len(columns) * sum(1 if part == "year" else 2 for part in parts)

    def records(self, records: Records) -> FloatArray:
        rows = _record_values(records, self.columns)
        return self._encode(
            [
                np.array([_moment(row[index], column) for row in rows], dtype="datetime64[us]")
                for index, column in enumerate(self.columns)
            ]
        )

    def frame(self, frame: pd.DataFrame) -> FloatArray:
        import pandas as pd

        stamps = []
        for column in self.columns:
            moments = pd.to_datetime(frame[column])
            if moments.dt.tz is not None:
                moments = moments.dt.tz_convert(None)
            stamps.append(moments.to_numpy(dtype="datetime64[us]"))
        return self._encode(stamps)

    def _encode(self, stamps: list[npt.NDArray[np.datetime64]]) -> FloatArray:
        return np.hstack([calendar_parts(column, self.parts) for column in stamps])


Reader = NumberReader | CategoryReader | DateReader


@dataclass(frozen=True)
class Branch:
    """One branch of the ColumnTransformer: a reader, then numeric steps."""

    reader: Reader
    steps: tuple[Step, ...]
    width: int

    def run(self, data: FloatArray) -> FloatArray:
        for step in self.steps:
            data = step(data)
        return data


# --------------------------------------------------------------------------- the models


def _expit(decision: FloatArray) -> FloatArray:
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    small = np.exp(-np.abs(decision))
    result: FloatArray = np.where(decision >= 0, 1 / (1 + small), small / (1 + small))
    return result


def _softmax(decision: FloatArray) -> FloatArray:
    """scikit-learn's ``softmax``: the row maximum subtracted first."""
    exponents = np.exp(decision - decision.max(axis=1, keepdims=True))
    result: FloatArray = exponents / exponents.sum(axis=1, keepdims=True)
    return result


def _binary(positive: FloatArray) -> FloatArray:
    return np.column_stack([1 - positive, positive])


def _finite_input(data: FloatArray, model: str) -> None:
    """A linear model, like scikit-learn's, refuses NaN features."""
    if np.isnan(data).any():
        raise LeanModelError(
            f"{model}: NaN in its input features; expected complete data "
            "(features.imputation enabled in params.yaml)"
        )


def _logistic(fields: Fields, arrays: ArrayStore, width: int, classes: int) -> Step:
    rows = 1 if classes == 2 else classes
    coef = arrays.take("model.coef", (rows, width))
    intercept = arrays.take("model.intercept", (rows,))
    weights = np.ascontiguousarray(coef.T)

    def probabilities(data: FloatArray) -> FloatArray:
        _finite_input(data, "logistic regression")
        decision = data @ weights + intercept
        return _binary(_expit(decision[:, 0])) if rows == 1 else _softmax(decision)

    return probabilities


def _ridge(fields: Fields, arrays: ArrayStore, width: int, classes: int) -> Step:
    coef = arrays.take("model.coef", (width,))
    intercept = float(arrays.take("model.intercept", ())[()])

    def values(data: FloatArray) -> FloatArray:
        _finite_input(data, "ridge regression")
        result: FloatArray = data @ coef + intercept
        return result

    return values


class Forest:
    """Trees packed into one node table, walked all at once, one level per step.

    A leaf's children are the leaf itself, so after ``depth`` steps every (row, tree)
    pair stands on its leaf. ``float32``: features are compared as scikit-learn's trees
    compare them (``X`` cast to float32, the threshold a double). A NaN goes where the
    node's ``missing_go_to_left`` says (``values <= threshold`` is False for it).
    """

    def __init__(
        self,
        feature: AnyArray,
        threshold: FloatArray,
        children: tuple[AnyArray, AnyArray],
        missing_left: AnyArray,
        roots: AnyArray,
        depth: int,
        float32: bool,
    ) -> None:
        self.feature = feature
        self.threshold = threshold
        left, right = children
        # Node n's children at 2n (right) and 2n + 1 (left): one lookup per level.
        self.child = np.column_stack([right, left]).ravel()
        self.missing_left = missing_left
        self.roots = roots
        self.depth = depth
        self.float32 = float32

    def leaves(self, data: FloatArray) -> AnyArray:
        """The leaf each row reaches in each tree: rows x trees."""
        if self.float32:
            data = data.astype(np.float32).astype(np.float64)
        rows, width = data.shape
        flat = data.ravel()
        starts = (np.arange(rows) * width)[:, None]
        missing = bool(np.isnan(data).any())
        nodes = np.broadcast_to(self.roots, (rows, len(self.roots)))
        for _ in range(self.depth):
            values = flat[starts + self.feature[nodes]]
            go_left = values <= self.threshold[nodes]
            if missing:
                go_left |= np.isnan(values) & self.missing_left[nodes]
            nodes = self.child[2 * nodes + go_left]
        return nodes


def _forest(arrays: ArrayStore, fields: Fields, width: int, float32: bool) -> Forest:
    nodes = arrays.take("model.threshold", (None,), finite=False).shape[0]
    trees = arrays.indices("model.roots", (None,), 0, nodes)
    depth = fields.get("depth", int)
    if not trees.size or not 0 <= depth < nodes:
        raise fields.error(
            "depth", f"expected at least one tree and a depth from 0 to {nodes - 1}, found {depth}"
        )
    return Forest(
        feature=arrays.indices("model.feature", (nodes,), 0, max(width, 1)),
        threshold=arrays.take("model.threshold", (nodes,), finite=False),
        children=(
            arrays.indices("model.left", (nodes,), 0, nodes),
            arrays.indices("model.right", (nodes,), 0, nodes),
        ),
        missing_left=arrays.take("model.missing_left", (nodes,), kind="b"),
        roots=trees,
        depth=depth,
        float32=float32,
    )


def _random_forest(fields: Fields, arrays: ArrayStore, width: int, classes: int) -> Step:
    forest = _forest(arrays, fields, width, float32=True)
    outputs = classes if classes else 1
    value = arrays.take("model.value", (len(forest.threshold), outputs))

    def predict(data: FloatArray) -> FloatArray:
        mean: FloatArray = value[forest.leaves(data)].mean(axis=1)
        return mean if classes else mean[:, 0]

    return predict


LINKS = ("identity", "logistic", "softmax")


def _boosting(fields: Fields, arrays: ArrayStore, width: int, classes: int) -> Step:
    forest = _forest(arrays, fields, width, float32=False)
    per_round = classes if classes > 2 else 1
    value = arrays.take("model.value", (len(forest.threshold),))
    baseline = arrays.take("model.baseline", (per_round,))
    rounds = len(forest.roots) // per_round
    link = fields.get("link", str)
    expected = "softmax" if classes > 2 else "logistic" if classes else "identity"
    if link != expected or len(forest.roots) % per_round:
        raise LeanModelError(
            f"{JSON_FILE}: key 'model.link': expected {expected!r} with trees in rounds of "
            f"{per_round}, found {link!r} and {len(forest.roots)} trees"
        )

    def predict(data: FloatArray) -> FloatArray:
        leaves = value[forest.leaves(data)]
        raw = baseline + leaves.reshape(len(data), rounds, per_round).sum(axis=1)
        if link == "identity":
            result: FloatArray = raw[:, 0]
            return result
        return _binary(_expit(raw[:, 0])) if link == "logistic" else _softmax(raw)

    return predict


MODELS: dict[str, tuple[Callable[[Fields, ArrayStore, int, int], Step], bool]] = {
    # kind -> (builder, predicts classes)
    "logistic_regression": (_logistic, True),
    "ridge": (_ridge, False),
    "random_forest_classifier": (_random_forest, True),
    "random_forest_regressor": (_random_forest, False),
    "hist_gradient_boosting_classifier": (_boosting, True),
    "hist_gradient_boosting_regressor": (_boosting, False),
}


# ------------------------------------------------------------------------ the model


class LeanModel:
    """The fitted pipeline, as data: built from it, saved to and loaded from two files,
    and evaluated with numpy."""

    task: str
    classes: tuple[Label, ...]
    feature_columns: list[str]
    threshold: float

    def __init__(self, document: Mapping[str, Any], arrays: Mapping[str, AnyArray]) -> None:
        """Check and prepare an export (see :meth:`from_files`)."""
        self._document = dict(document)
        self._arrays = dict(arrays)
        top = Fields(self._document, "")
        version = top.get("format_version", int)
        if top.get("format", str) != FORMAT or version != FORMAT_VERSION:
            raise LeanModelError(
                f"{JSON_FILE}: key 'format_version': expected {FORMAT!r} version "
                f"{FORMAT_VERSION}, found {top.value['format']!r} version {version}"
            )
        self.task = top.get("task", str)
        if self.task not in ("binary", "multiclass", "regression"):
            raise LeanModelError(
                f"{JSON_FILE}: key 'task': expected binary, multiclass or "
                f"regression, found {quote(self.task)}"
            )
        self.classes = tuple(top.get("classes", list))
        fewest = 0 if self.task == "regression" else 2
        if (
            not _labels(self.classes)
            or len(self.classes) < fewest
            or (self.task == "regression" and self.classes)
        ):
            raise top.error(
                "classes",
                f"expected {'no classes' if not fewest else 'two or more distinct labels'} "
                f"for a {self.task} target, found {quote(list(self.classes))}",
            )
        self.threshold = float(top.get("threshold", (int, float)))
        self.feature_columns = top.names("feature_columns")
        self._positive = top.value.get("positive")
        if self.task == "binary" and (len(self.classes) != 2 or self._positive not in self.classes):
            raise LeanModelError(
                f"{JSON_FILE}: key 'positive': expected one of the two classes "
                f"{list(self.classes)}, found {quote(self._positive)}"
            )
        store = ArrayStore(self._arrays)
        self._branches = [
            self._branch(Fields(raw, f"branches[{index}]"), store)
            for index, raw in enumerate(top.get("branches", list))
        ]
        width = sum(branch.width for branch in self._branches)
        model = top.child("model")
        kind = model.get("kind", str)
        if kind not in MODELS:
            raise LeanModelError(
                f"{JSON_FILE}: key 'model.kind': expected one of {sorted(MODELS)}, found {kind!r}"
            )
        builder, classifies = MODELS[kind]
        if classifies != (self.task != "regression"):
            raise LeanModelError(
                f"{JSON_FILE}: key 'model.kind': {kind} does not fit the task {self.task}"
            )
        self._model = builder(model, store, width, len(self.classes))
        if classifies:
            order = store.indices("model.class_order", (len(self.classes),), 0, len(self.classes))
            if sorted(order.tolist()) != list(range(len(self.classes))):
                raise LeanModelError(
                    f"{ARRAYS_FILE}: array 'model.class_order': expected each class once"
                )
            self._order = order
        unused = sorted(set(self._arrays) - store.used)
        if unused:
            raise LeanModelError(f"{ARRAYS_FILE}: arrays {unused} belong to no step")

    def _branch(self, fields: Fields, store: ArrayStore) -> Branch:
        columns = fields.names("columns")
        unknown = [column for column in columns if column not in self.feature_columns]
        if unknown:
            raise fields.error("columns", f"{unknown} are not feature columns")
        reads = fields.get("reads", str)
        reader: Reader
        if reads == "numbers":
            reader = NumberReader(columns)
        elif reads == "categories":
            categories = fields.get("categories", list)
            if len(categories) != len(columns) or not all(
                isinstance(kept, list) for kept in categories
            ):
                raise fields.error(
                    "categories",
                    f"expected a list of categories for each of the {len(columns)} columns",
                )
            if not all(_labels(kept) for kept in categories):
                raise fields.error(
                    "categories", "expected distinct texts, numbers or booleans in each list"
                )
            reader = CategoryReader(columns, categories)
        elif reads == "dates":
            parts = fields.names("parts")
            if not parts or any(part != "year" and part not in CYCLES for part in parts):
                raise fields.error(
                    "parts", f"expected parts from {['year', *CYCLES]}, found {parts}"
                )
            reader = DateReader(columns, parts)
        else:
            raise fields.error(
                "reads", f"expected numbers, categories or dates, found {quote(reads)}"
            )
        width = reader.width
        steps = []
        for index, raw in enumerate(fields.get("steps", list)):
            step = Fields(raw, f"{fields.where}.steps[{index}]")
            kind = step.get("kind", str)
            if kind not in NUMERIC_STEPS:
                raise step.error("kind", f"expected one of {sorted(NUMERIC_STEPS)}, found {kind!r}")
            built, width = NUMERIC_STEPS[kind](step, store, step.where, width)
            steps.append(built)
        return Branch(reader, tuple(steps), width)

    # ----------------------------------------------------------------- files

    @classmethod
    def from_pipeline(cls, pipeline: Any, contract: Contract, threshold: float) -> LeanModel:
        """Export the pipeline ``train`` fits (``Pipeline([("features", ColumnTransformer),
        ("model", estimator)])``); any step or option without a lean counterpart is an
        error naming it."""
        document, arrays = _export(pipeline, contract, threshold)
        return cls(document, arrays)

    def to_files(self) -> dict[str, bytes]:
        """``lean.json`` (the structure) and ``lean.npz`` (the arrays, no pickle)."""
        buffer = io.BytesIO()
        save: Callable[..., None] = np.savez  # its typing takes the arrays for options
        save(buffer, allow_pickle=False, **self._arrays)
        text = json.dumps(self._document, indent=1, allow_nan=False, ensure_ascii=False)
        return {JSON_FILE: text.encode("utf-8"), ARRAYS_FILE: buffer.getvalue()}

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> LeanModel:
        """Load what :meth:`to_files` wrote; a malformed file is an error naming it and
        the key. Nothing in the files can execute: JSON, and arrays read without pickle."""
        for name in (JSON_FILE, ARRAYS_FILE):
            if name not in files:
                raise LeanModelError(
                    f"{name} is missing; expected both {JSON_FILE} and {ARRAYS_FILE}"
                )
        try:
            document = json.loads(files[JSON_FILE].decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LeanModelError(f"{JSON_FILE}: not JSON ({error})") from None
        arrays: dict[str, AnyArray] = {}
        try:
            with np.load(io.BytesIO(files[ARRAYS_FILE]), allow_pickle=False) as archive:
                for key in archive.files:
                    try:
                        arrays[key] = archive[key]
                    except ValueError as error:  # an object array: it would need pickle
                        raise LeanModelError(
                            f"{ARRAYS_FILE}: array {key!r} cannot be read without pickle "
                            f"({error}); expected plain numeric arrays"
                        ) from None
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            if isinstance(error, LeanModelError):
                raise
            raise LeanModelError(f"{ARRAYS_FILE}: not an npz archive ({error})") from None
        return cls(document, arrays)

    # ------------------------------------------------------------- predicting

    def predict_records(self, records: Records) -> LeanPrediction:
        """Records keyed by column name, values as serving checked them against the
        contract: numbers (int, float) or None, categories (str) or None, bools or None,
        dates as ISO-8601 strings or None."""
        return self._predict(
            [branch.run(branch.reader.records(records)) for branch in self._branches]
        )

    def predict_frame(self, frame: pd.DataFrame) -> LeanPrediction:
        """The rows of a frame as ``read_dataset`` returns it (columns taken by name)."""
        missing = [column for column in self.feature_columns if column not in frame.columns]
        if missing:
            raise LeanModelError(f"frame without the feature columns {missing}")
        return self._predict([branch.run(branch.reader.frame(frame)) for branch in self._branches])

    def _predict(self, blocks: list[FloatArray]) -> LeanPrediction:
        features = blocks[0] if len(blocks) == 1 else np.hstack(blocks)
        output = self._model(features)
        if self.task == "regression":
            return LeanPrediction([float(value) for value in output], None)
        probabilities = output[:, self._order]
        if self.task == "binary":
            positive = self.classes.index(self._positive)
            negative = self.classes[1 - positive]
            chosen = probabilities[:, positive] >= self.threshold
            return LeanPrediction(
                [self._positive if flag else negative for flag in chosen.tolist()], probabilities
            )
        return LeanPrediction(
            [self.classes[index] for index in probabilities.argmax(axis=1).tolist()],
            probabilities,
        )


# ------------------------------------------------------------------------ exporting
# scikit-learn and the transformers are imported here only: serving, which loads an
# export, never needs them.


def _unsupported(what: str, found: Any) -> LeanModelError:
    return LeanModelError(f"lean export: {what} is not supported (found {found!r})")


def _export(
    pipeline: Any, contract: Contract, threshold: float
) -> tuple[dict[str, Any], dict[str, AnyArray]]:
    steps = dict(getattr(pipeline, "named_steps", {}))
    if list(steps) != ["features", "model"]:
        raise _unsupported(
            "a pipeline other than [('features', ColumnTransformer), ('model', estimator)]",
            list(steps),
        )
    arrays: dict[str, AnyArray] = {}
    branches = _export_features(steps["features"], contract, arrays)
    model = _export_model(steps["model"], contract, arrays)
    target = contract.target
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": target.task,
        "classes": list(target.classes),
        "positive": target.positive,
        "threshold": finite_number(float(threshold), "threshold"),
        "feature_columns": list(contract.feature_columns),
        "branches": branches,
        "model": model,
    }
    return document, arrays


def finite_number(value: float, where: str) -> float:
    if not math.isfinite(value):
        raise LeanModelError(f"lean export: {where}: expected a finite number, found {value!r}")
    return value


def _export_features(
    features: Any, contract: Contract, arrays: dict[str, AnyArray]
) -> list[dict[str, Any]]:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from {{ cookiecutter.package_name }}.features.transformers import (
        CalendarEncoder,
        CategoryEncoder,
    )

    if not isinstance(features, ColumnTransformer):
        raise _unsupported("a features step other than a ColumnTransformer", features)
    if getattr(features, "sparse_output_", False):
        raise _unsupported("sparse output of the ColumnTransformer", "sparse_output_=True")
    branches: list[dict[str, Any]] = []
    for name, treatment, columns in features.transformers_:
        if isinstance(treatment, str) and treatment == "drop":
            continue
        listed = [str(column) for column in columns]
        unknown = [column for column in listed if column not in contract.feature_columns]
        if unknown or len(listed) != len(columns):
            raise _unsupported(
                f"branch {name!r} of columns that are not contract features", columns
            )
        if isinstance(treatment, Pipeline):
            chain: list[tuple[str, Any]] = list(treatment.steps)
        else:
            chain = [(name, treatment)]
        chain = [(step_name, step) for step_name, step in chain if not _identity(step)]
        branch: dict[str, Any] = {"name": str(name), "columns": listed, "reads": "numbers"}
        if chain and isinstance(chain[0][1], CategoryEncoder):
            branch.update(reads="categories", categories=_categories(chain.pop(0)[1], name))
        elif chain and isinstance(chain[0][1], CalendarEncoder):
            branch.update(reads="dates", parts=[str(part) for part in chain.pop(0)[1].parts])
        key = f"branches[{len(branches)}]"
        branch["steps"] = [
            _export_step(step, f"{key}.steps[{index}]", f"{name}/{step_name}", arrays)
            for index, (step_name, step) in enumerate(chain)
        ]
        branches.append(branch)
    return branches


def _identity(step: Any) -> bool:
    """ "passthrough" (a fitted ColumnTransformer holds it as a FunctionTransformer
    without a function), or a pipeline step left out (None)."""
    from sklearn.preprocessing import FunctionTransformer

    if isinstance(step, FunctionTransformer):
        return step.func is None
    return step is None or (isinstance(step, str) and step == "passthrough")


def _categories(encoder: Any, branch: str) -> list[list[Any]]:
    categories = [kept.tolist() for kept in encoder.categories_]
    for kept in categories:
        for category in kept:
            plain = isinstance(category, str | bool | int) or (
                isinstance(category, float) and math.isfinite(category)
            )
            if not plain:
                raise _unsupported(
                    f"category of branch {branch!r} that is not text or a number", category
                )
    return categories


def _floats(values: Any) -> FloatArray:
    return np.array(values, dtype=np.float64)


def _export_step(step: Any, key: str, where: str, arrays: dict[str, AnyArray]) -> dict[str, Any]:
    from sklearn.preprocessing import PolynomialFeatures, SplineTransformer

    from {{ cookiecutter.package_name }}.features.transformers import (
        ColumnScaler,
        CorrelationFilter,
        Imputer,
        NonLinearExpander,
        QuantileClipper,
    )

    if isinstance(step, Imputer):
        arrays[f"{key}.statistics"] = _floats(step.statistics_)
        return {"kind": "impute"}
    if isinstance(step, QuantileClipper):
        arrays[f"{key}.lower"] = _floats(step.lower_bounds_)
        arrays[f"{key}.upper"] = _floats(step.upper_bounds_)
        return {"kind": "clip"}
    if isinstance(step, ColumnScaler):
        arrays[f"{key}.center"] = _floats(step.center_)
        arrays[f"{key}.scale"] = _floats(step.scale_)
        return {"kind": "scale"}
    if isinstance(step, CorrelationFilter):
        arrays[f"{key}.support"] = np.array(step.support_, dtype=bool)
        return {"kind": "decorrelate"}
    expander = step.expander_ if isinstance(step, NonLinearExpander) else step
    if isinstance(expander, SplineTransformer):
        options = {
            "extrapolation": (expander.extrapolation, "constant"),
            "handle_missing": (getattr(expander, "handle_missing", "error"), "error"),
            "sparse_output": (expander.sparse_output, False),
        }
        for option, (found, supported) in options.items():
            if found != supported:
                raise _unsupported(f"step {where!r}: SplineTransformer {option}={found!r}", found)
        arrays[f"{key}.knots"] = _floats([spline.t for spline in expander.bsplines_])
        return {
            "kind": "spline",
            "degree": int(expander.degree),
            "include_bias": bool(expander.include_bias),
        }
    if isinstance(expander, PolynomialFeatures):
        arrays[f"{key}.powers"] = np.array(expander.powers_, dtype=np.int64)
        return {"kind": "polynomial"}
    raise _unsupported(f"step {where!r} ({type(step).__name__})", step)


def _class_order(model: Any, contract: Contract, arrays: dict[str, AnyArray]) -> None:
    """Where each contract class's probability sits among the model's columns."""
    found = [str(label) for label in model.classes_]
    expected = [str(label) for label in contract.target.classes]
    if sorted(found) != sorted(expected):
        raise LeanModelError(
            f"lean export: model classes {found} are not the contract's {expected}; retrain"
        )
    arrays["model.class_order"] = np.array([found.index(label) for label in expected], np.int64)


def _export_model(model: Any, contract: Contract, arrays: dict[str, AnyArray]) -> dict[str, Any]:
    from sklearn import ensemble, linear_model

    classify = contract.target.task != "regression"
    if classify != hasattr(model, "classes_"):
        raise LeanModelError(
            f"lean export: the model {type(model).__name__} does not fit the contract's "
            f"{contract.target.task} target; retrain"
        )
    if classify:
        _class_order(model, contract, arrays)
    if isinstance(model, linear_model.LogisticRegression):
        multi_class = getattr(model, "multi_class", "deprecated")
        if multi_class not in ("deprecated", "multinomial") and len(model.classes_) > 2:
            raise _unsupported("LogisticRegression multi_class", multi_class)
        arrays["model.coef"] = _floats(model.coef_)
        arrays["model.intercept"] = _floats(model.intercept_)
        return {"kind": "logistic_regression"}
    if isinstance(model, linear_model.Ridge):
        if np.ndim(model.coef_) != 1:
            raise _unsupported("Ridge with several targets", np.shape(model.coef_))
        arrays["model.coef"] = _floats(model.coef_)
        arrays["model.intercept"] = _floats(model.intercept_)
        return {"kind": "ridge"}
    forests = (ensemble.RandomForestClassifier, ensemble.RandomForestRegressor)
    if isinstance(model, forests):
        return _export_forest(model, classify, arrays)
    boosting = (ensemble.HistGradientBoostingClassifier, ensemble.HistGradientBoostingRegressor)
    if isinstance(model, boosting):
        return _export_boosting(model, classify, arrays)
    raise _unsupported("model", type(model).__name__)


def _pack(trees: list[dict[str, AnyArray]], arrays: dict[str, AnyArray]) -> int:
    """Concatenate trees' nodes (children renumbered); a leaf's children are itself."""
    offsets = np.cumsum([0] + [len(tree["left"]) for tree in trees])
    packed: dict[str, list[AnyArray]] = {name: [] for name in trees[0]}
    depth = 0
    for tree, offset in zip(trees, offsets, strict=False):
        leaf = tree["leaf"]
        own = np.arange(len(leaf)) + offset
        depth = max(depth, int(tree["depth"].max()))
        for name, values in tree.items():
            if name in ("left", "right"):
                values = np.where(leaf, own, values + offset)
            elif name == "feature":
                values = np.where(leaf, 0, values)
            elif name == "threshold":
                values = np.where(leaf, 0.0, values)
            packed[name].append(values)
    arrays["model.roots"] = offsets[:-1].astype(np.int64)
    for name in ("feature", "left", "right"):
        arrays[f"model.{name}"] = np.concatenate(packed[name]).astype(np.int64)
    arrays["model.threshold"] = np.concatenate(packed["threshold"]).astype(np.float64)
    arrays["model.missing_left"] = np.concatenate(packed["missing_left"]).astype(bool)
    arrays["model.value"] = np.concatenate(packed["value"]).astype(np.float64)
    return depth


def _export_forest(model: Any, classify: bool, arrays: dict[str, AnyArray]) -> dict[str, Any]:
    if model.n_outputs_ != 1:
        raise _unsupported("a random forest with several outputs", model.n_outputs_)
    trees = []
    for estimator in model.estimators_:
        tree = estimator.tree_
        if classify:
            counts = tree.value[:, 0, :]
            total = counts.sum(axis=1, keepdims=True)
            value = counts / np.where(total == 0, 1.0, total)  # DecisionTreeClassifier's
        else:
            value = tree.value[:, 0, :1]
        leaf = tree.children_left == -1
        trees.append(
            {
                "leaf": leaf,
                "left": tree.children_left,
                "right": tree.children_right,
                "feature": tree.feature,
                "threshold": tree.threshold,
                "missing_left": np.asarray(tree.missing_go_to_left, dtype=bool),
                "value": value,
                "depth": np.array([tree.max_depth]),
            }
        )
    depth = _pack(trees, arrays)
    kind = "random_forest_classifier" if classify else "random_forest_regressor"
    return {"kind": kind, "depth": depth}


LOSS_LINKS = {
    "HalfSquaredError": "identity",
    "HalfBinomialLoss": "logistic",
    "HalfMultinomialLoss": "softmax",
}


def _export_boosting(model: Any, classify: bool, arrays: dict[str, AnyArray]) -> dict[str, Any]:
    loss = type(model._loss).__name__
    if loss not in LOSS_LINKS:
        raise _unsupported("HistGradientBoosting loss", loss)
    if model._preprocessor is not None or model.is_categorical_ is not None:
        raise _unsupported("HistGradientBoosting with categorical features", "categorical_features")
    trees = []
    for round_ in model._predictors:
        for predictor in round_:
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise _unsupported("a categorical split", "is_categorical")
            trees.append(
                {
                    "leaf": nodes["is_leaf"].astype(bool),
                    "left": nodes["left"].astype(np.int64),
                    "right": nodes["right"].astype(np.int64),
                    "feature": nodes["feature_idx"].astype(np.int64),
                    "threshold": nodes["num_threshold"],
                    "missing_left": nodes["missing_go_to_left"].astype(bool),
                    "value": nodes["value"],
                    "depth": nodes["depth"],
                }
            )
    depth = _pack(trees, arrays)
    arrays["model.baseline"] = _floats(np.ravel(model._baseline_prediction))
    kind = "hist_gradient_boosting_" + ("classifier" if classify else "regressor")
    return {"kind": kind, "depth": depth, "link": LOSS_LINKS[loss]}
