"""CalendarEncoder: date and time columns as calendar parts a model can use."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, validate_data

from {{ cookiecutter.package_name }}.errors import quote
from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    Transformer,
    column_names,
    validate_numeric,
)

# The cyclic parts: the DatetimeIndex attribute each is read from, its value at the start
# of the cycle (angle 0) and the period (None: the length of the date's own year).
CYCLES: dict[str, tuple[str, int, int | None]] = {
    "month": ("month", 1, 12),
    "day_of_week": ("day_of_week", 0, 7),
    "day_of_year": ("day_of_year", 1, None),
    "hour": ("hour", 0, 24),
    "minute": ("minute", 0, 60),
}
PARTS = ("year", *CYCLES)
# Nanoseconds since the epoch that pandas can hold: |n| < 2**63 (-2**63 is NaT).
NANOSECOND_LIMIT = 2.0**63


class CalendarEncoder(Transformer):
    """Turn each date column into calendar parts: the year, and cyclic encodings.

    A model cannot use a timestamp as it is, but it can use where the date falls in the
    year, the week or the day. Each part is the whole calendar unit, as in
    feature-engine's ``DatetimeFeatures`` (the hour of 13:45 is 13). ``"year"`` is one
    column, the year as a float (``<column>_year``). Every other part is a cycle, so it
    becomes two columns, the sine and cosine of its angle around the cycle, as in
    scikit-learn's "Time-related feature engineering" example
    (``<column>_<part>_sin``, ``<column>_<part>_cos``): December then sits next to
    January, and 23:00 next to midnight. The periods: ``"month"`` 12,
    ``"day_of_week"`` 7 (Monday first), ``"day_of_year"`` the date's own year (365 or
    366 days, so 31 December is always one step before 1 January), ``"hour"`` 24,
    ``"minute"`` 60. The first unit of a cycle is at angle 0 (sine 0, cosine 1).

    Input: a DataFrame (or 2-d array) of ``datetime64`` columns, of any unit. A
    time-zone aware column is converted to UTC first (its calendar parts are UTC's).
    Numbers (what scikit-learn's checks feed) are read as nanoseconds since the Unix
    epoch (1970-01-01 00:00 UTC), what ``datetime64[ns]`` holds, rounded down to a whole
    nanosecond: as float64 they are exact to about a microsecond for present dates, and
    must lie within +-2**63 (the years 1677 to 2262). Text, or any other dtype, is an
    error naming its column: parse dates in the contract first.

    It learns nothing but the input's columns (stateless). A missing date (NaT, or NaN
    for numbers) gives NaN in that row's columns of that input only; impute them later.

    Parameters
    ----------
    parts : tuple of str, default=("year", "month", "day_of_week", "day_of_year", "hour")
        The parts to encode, in this order, each once: from ``"year"``, ``"month"``,
        ``"day_of_week"``, ``"day_of_year"``, ``"hour"``, ``"minute"``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"signup": pd.to_datetime(["2024-01-01 06:00", None])})
    >>> encoder = CalendarEncoder(parts=("year", "hour")).fit(frame)
    >>> encoder.get_feature_names_out().tolist()
    ['signup_year', 'signup_hour_sin', 'signup_hour_cos']
    >>> encoder.transform(frame).round(6).tolist()
    [[2024.0, 1.0, 0.0], [nan, nan, nan]]
    """

    def __init__(
        self,
        parts: tuple[str, ...] = ("year", "month", "day_of_week", "day_of_year", "hour"),
    ) -> None:
        self.parts = parts

    def _check_parameters(self) -> None:
        parts = self.parts
        if not isinstance(parts, tuple | list) or not parts:
            raise self._fail(
                f"parts: expected a non-empty tuple of parts from {list(PARTS)}, found {parts!r}"
            )
        for part in parts:
            if part not in PARTS:
                raise self._fail(f"parts: expected each one of {list(PARTS)}, found {part!r}")
            if parts.count(part) > 1:
                raise self._fail(f"parts: expected each part once, found {part!r} twice or more")

    def _validate(self, X: Any, *, reset: bool) -> list[pd.DatetimeIndex]:
        """``X`` as one ``DatetimeIndex`` per column, time-zone naive."""
        if isinstance(X, np.ndarray) and X.dtype.kind == "M" and X.ndim == 2:
            X = pd.DataFrame(X)  # a datetime64 array: its dates, not their numbers
        if not isinstance(X, pd.DataFrame):
            numbers = validate_numeric(self, X, reset=reset, allow_nan=True)
            names = column_names(self, numbers.shape[1])
            return [self._from_nanoseconds(numbers[:, j], name) for j, name in enumerate(names)]
        for name, dtype in X.dtypes.items():
            if not (
                pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype)
            ):
                raise self._fail(
                    f"column {name!r} has dtype {dtype}; expected datetime64 or numbers "
                    "(nanoseconds since the Unix epoch): parse dates in the contract first"
                )
        validate_data(self, X, reset=reset, skip_check_array=True)
        check_array(
            np.zeros(X.shape), estimator=self
        )  # scikit-learn's words for no rows or columns
        return [self._column(X.iloc[:, j], str(name)) for j, name in enumerate(X.columns)]

    def _column(self, column: pd.Series, name: str) -> pd.DatetimeIndex:
        if pd.api.types.is_numeric_dtype(column.dtype):
            return self._from_nanoseconds(column.to_numpy(np.float64), name)  # NA: NaN
        stamps = pd.DatetimeIndex(column)
        return stamps if stamps.tz is None else stamps.tz_convert(None)

    def _from_nanoseconds(self, numbers: FloatArray, name: str) -> pd.DatetimeIndex:
        whole = np.floor(numbers)
        outside = np.abs(whole) >= NANOSECOND_LIMIT  # inf too; NaN is not
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            raise self._fail(
                f"column {name!r} holds {quote(numbers[row])} at row {row}; expected nanoseconds "
                "since the Unix epoch within +-2**63 (the years 1677 to 2262) or NaN"
            )
        return pd.to_datetime(whole, unit="ns")

    def _transform(self, data: list[pd.DatetimeIndex]) -> FloatArray:
        blocks = []
        for stamps in data:
            for part in self.parts:
                if part == "year":
                    blocks.append(stamps.year.to_numpy(np.float64))
                    continue
                attribute, start, period = CYCLES[part]
                position = np.asarray(getattr(stamps, attribute)) - start
                length = 365 + stamps.is_leap_year if period is None else period
                angle = 2 * np.pi * position / length
                blocks += [np.sin(angle), np.cos(angle)]
        encoded: FloatArray = np.column_stack(blocks)
        return encoded

    def _names_out(self, names: list[str]) -> list[str]:
        return [
            column
            for name in names
            for part in self.parts
            for column in (
                [f"{name}_{part}"]
                if part == "year"
                else [f"{name}_{part}_sin", f"{name}_{part}_cos"]
            )
        ]
