"""The plumbing every feature transformer shares, so each module keeps only its maths.

:class:`Transformer` plays the part scikit-learn's ``OneToOneFeatureMixin`` and
``TransformerMixin`` play in ``sklearn/preprocessing/_data.py``, plus the checks those
leave to each estimator. Its ``fit`` checks the parameters (``_parameter_checks``),
validates the input (naming the column and row of a bad value) and hands a float
matrix to the subclass's ``_fit``; ``transform`` checks the transformer is fitted,
validates again and calls ``_transform``; ``get_feature_names_out`` resolves the input
names as scikit-learn does and passes them through ``_names_out`` (one output column
per input column unless overridden); ``__sklearn_tags__`` follows ``allow_nan``.

Errors caused by the data or the parameters raise
:class:`~{{ cookiecutter.package_name }}.errors.InputError` (a ``ValueError``) naming the
transformer, the parameter or column, and what was expected.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from {{ cookiecutter.package_name }}.errors import InputError

FloatArray = npt.NDArray[np.float64]
NameArray = npt.NDArray[np.object_]


# ------------------------------------------------------------------ parameter checks


def is_integer(value: object) -> bool:
    """An ``int`` (numpy's too), not a ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class OneOf:
    """The parameter is one of ``choices``."""

    choices: tuple[str, ...]

    def problem(self, value: object) -> str | None:
        if value in self.choices:
            return None
        return f"expected one of {list(self.choices)}, found {value!r}"


@dataclass(frozen=True)
class IntegerAtLeast:
    """The parameter is an integer of at least ``minimum``."""

    minimum: int

    def problem(self, value: Any) -> str | None:
        if is_integer(value) and value >= self.minimum:
            return None
        return f"expected an integer >= {self.minimum}, found {value!r}"


@dataclass(frozen=True)
class NumberFrom:
    """The parameter is a number in ``[low, high]``."""

    low: float
    high: float

    def problem(self, value: Any) -> str | None:
        if self.low <= value <= self.high:
            return None
        return f"expected a number in [{self.low:g}, {self.high:g}], found {value!r}"


ParameterCheck = OneOf | IntegerAtLeast | NumberFrom


def parameter_checks(**checks: ParameterCheck) -> Mapping[str, ParameterCheck]:
    """A transformer's ``_parameter_checks``: parameter name -> check, read-only."""
    return MappingProxyType(checks)


# --------------------------------------------------------------------- the base class
# scikit-learn ships no type hints, so its classes are ``Any`` to mypy: the base's class
# line carries ``type: ignore[misc]`` for subclassing them; the transformers need none.


class Transformer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Private base of the feature transformers: the scikit-learn estimator contract.

    A subclass stores its parameters untouched in ``__init__``, declares how they are
    checked in ``_parameter_checks`` (or overrides ``_check_parameters`` for a rule
    across parameters), and writes its maths in ``_transform`` and, if it learns
    anything, in ``_fit`` (setting the learned, trailing-underscore attributes). It
    overrides ``_names_out`` if its output columns are not its input columns, and sets
    ``allow_nan = False`` if it needs complete data.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Names of the columns seen in ``fit``; only set when they were all strings.
    """

    # Whether NaN is accepted (and passes through) or is an error naming its cell.
    allow_nan: ClassVar[bool] = True
    # Parameter name -> the check its value must pass, in the order they are checked.
    _parameter_checks: ClassVar[Mapping[str, ParameterCheck]] = parameter_checks()

    def fit(self, X: Any, y: object = None) -> Self:
        """Check the parameters and ``X``, then learn from ``X``; ``y`` is ignored."""
        self._check_parameters()
        self._fit(self._validate(X, reset=True))
        return self

    def transform(self, X: Any) -> FloatArray:
        """Apply what ``fit`` learned to ``X``, which must have the columns fitted on."""
        check_is_fitted(self)
        return self._transform(self._validate(X, reset=False))

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        """Names of the output columns (what ``set_output(transform="pandas")`` uses)."""
        names = self._names_out(input_feature_names(self, input_features))
        return np.asarray(list(names), dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.allow_nan
        return tags

    # ------------------------------------------------------- what a subclass provides

    def _fit(self, data: Any) -> None:
        """Learn from the validated data. By default nothing: ``fit`` has recorded the
        input's columns, which is all a stateless transformer needs."""

    def _transform(self, data: Any) -> FloatArray:
        raise NotImplementedError

    def _names_out(self, names: list[str]) -> list[str]:
        return names

    def _check_parameters(self) -> None:
        for name, check in self._parameter_checks.items():
            problem = check.problem(getattr(self, name))
            if problem is not None:
                raise self._fail(f"{name}: {problem}")

    def _validate(self, X: Any, *, reset: bool) -> Any:
        """``X`` as a float matrix (remembering its columns when ``reset``)."""
        return validate_numeric(self, X, reset=reset, allow_nan=self.allow_nan)

    def _fail(self, message: str) -> InputError:
        return InputError(f"{type(self).__name__}: {message}")


# ------------------------------------------------------------------ input and names


def column_names(estimator: Any, n_columns: int) -> list[str]:
    """The fitted input column names, or ``x0, x1, ...`` for data without names."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(name) for name in names]
    return [f"x{index}" for index in range(n_columns)]


def input_feature_names(estimator: Any, input_features: Sequence[str] | None) -> list[str]:
    """Resolve ``get_feature_names_out``'s argument the way scikit-learn does."""
    check_is_fitted(estimator)
    known = column_names(estimator, estimator.n_features_in_)
    if input_features is None:
        return known
    given = [str(name) for name in input_features]
    if len(given) != estimator.n_features_in_:
        raise ValueError(
            f"{type(estimator).__name__}: input_features should have length equal to number "
            f"of features ({estimator.n_features_in_}), got {len(given)}"
        )
    if getattr(estimator, "feature_names_in_", None) is not None and given != known:
        raise ValueError(
            f"{type(estimator).__name__}: input_features is not equal to feature_names_in_: "
            f"expected {known}, found {given}"
        )
    return given


def _reject_non_numeric_columns(estimator: Transformer, X: Any) -> None:
    """Name the offending column before scikit-learn fails on 'could not convert'."""
    dtypes = getattr(X, "dtypes", None)
    if not isinstance(dtypes, pd.Series):
        return
    for name, dtype in dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype):
            raise estimator._fail(
                f"column {name!r} has dtype {dtype}; expected numbers "
                "(one-hot encode categorical columns with CategoryEncoder first)"
            )


def validate_numeric(estimator: Transformer, X: Any, *, reset: bool, allow_nan: bool) -> FloatArray:
    """Check ``X`` (and remember its columns when ``reset``); return a float matrix."""
    _reject_non_numeric_columns(estimator, X)
    data: FloatArray = validate_data(
        estimator, X, reset=reset, dtype=np.float64, ensure_all_finite=False
    )
    names = column_names(estimator, data.shape[1])
    infinite = np.isinf(data)
    if infinite.any():
        row, column = (int(index[0]) for index in np.nonzero(infinite))
        expected = "finite numbers or NaN" if allow_nan else "finite numbers"
        raise estimator._fail(
            f"column {names[column]!r} contains inf at row {row}; expected {expected}"
        )
    if not allow_nan:
        missing = np.isnan(data)
        if missing.any():
            row, column = (int(index[0]) for index in np.nonzero(missing))
            raise estimator._fail(
                f"column {names[column]!r} contains NaN at row {row}; expected no missing "
                "values (impute them first: features.imputation in params.yaml)"
            )
    return data
