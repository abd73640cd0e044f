"""Scikit-learn compatible transformers for quirky tabular data.

Real data has outliers, columns on wildly different scales, near-duplicate columns,
non-linear relations, gaps and text categories. Each transformer below treats one of
these, follows the scikit-learn estimator contract (parameters stored untouched in
``__init__``, learned state in trailing-underscore attributes set by ``fit``,
``get_feature_names_out`` for ``set_output(transform="pandas")``) and passes
``sklearn.utils.estimator_checks.parametrize_with_checks``
(``tests/unit/test_transformers_sklearn.py``); ``tests/property/`` states and checks
what each one promises for every input hypothesis can find.

They are small on purpose: our own readable code, so the template's planted-bug tests
can break them and show that the property tests notice.

Errors caused by the data or the parameters raise
:class:`~{{ cookiecutter.package_name }}.errors.InputError` (a ``ValueError``) naming the
transformer, the column and what was expected.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import PolynomialFeatures, SplineTransformer
from sklearn.utils.validation import check_is_fitted, validate_data

from {{ cookiecutter.package_name }}.errors import InputError

# The transformers this module offers. tools/check_property_tests.py reads this list:
# each one needs a property test (tests/property/) and an entry in the scikit-learn
# estimator checks (tests/unit/test_transformers_sklearn.py).
__all__ = [
    "CategoryEncoder",
    "ColumnScaler",
    "CorrelationFilter",
    "Imputer",
    "NonLinearExpander",
    "QuantileClipper",
]

FloatArray = npt.NDArray[np.float64]
NameArray = npt.NDArray[np.object_]

# A spread this small relative to the column's largest magnitude is floating-point
# noise (a constant column that went through arithmetic), not information: dividing by
# it would blow rounding errors up to unit scale.
RELATIVE_SPREAD_TOLERANCE = 1e-12

# What an all-NaN training column is filled with by Imputer and centred on by ColumnScaler.
ALL_MISSING_FILL = 0.0


def is_constant(spread: float, max_abs: float) -> bool:
    """Whether a column with this spread and largest magnitude counts as constant."""
    return bool(spread <= RELATIVE_SPREAD_TOLERANCE * max_abs)


# --------------------------------------------------------------------------- helpers
# scikit-learn ships no type hints, so its base classes are ``Any`` to mypy: each
# transformer's class line carries ``type: ignore[misc]`` for subclassing them.


def _fail(estimator: object, message: str) -> InputError:
    return InputError(f"{type(estimator).__name__}: {message}")


def _column_names(estimator: Any, n_columns: int) -> list[str]:
    """The fitted input column names, or ``x0, x1, ...`` for data without names."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(name) for name in names]
    return [f"x{index}" for index in range(n_columns)]


def _input_feature_names(estimator: Any, input_features: Sequence[str] | None) -> list[str]:
    """Resolve ``get_feature_names_out``'s argument the way scikit-learn does."""
    check_is_fitted(estimator)
    known = _column_names(estimator, estimator.n_features_in_)
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


def _as_names(names: Sequence[str]) -> NameArray:
    return np.asarray(list(names), dtype=object)


def _reject_non_numeric_columns(estimator: object, X: Any) -> None:
    """Name the offending column before scikit-learn fails on 'could not convert'."""
    dtypes = getattr(X, "dtypes", None)
    if not isinstance(dtypes, pd.Series):
        return
    for name, dtype in dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype):
            raise _fail(
                estimator,
                f"column {name!r} has dtype {dtype}; expected numbers "
                "(one-hot encode categorical columns with CategoryEncoder first)",
            )


def _validate_numeric(estimator: Any, X: Any, *, reset: bool, allow_nan: bool = True) -> FloatArray:
    """Check ``X`` (and remember its columns when ``reset``); return a float matrix."""
    _reject_non_numeric_columns(estimator, X)
    data: FloatArray = validate_data(
        estimator, X, reset=reset, dtype=np.float64, ensure_all_finite=False
    )
    names = _column_names(estimator, data.shape[1])
    infinite = np.isinf(data)
    if infinite.any():
        row, column = (int(index[0]) for index in np.nonzero(infinite))
        expected = "finite numbers or NaN" if allow_nan else "finite numbers"
        raise _fail(
            estimator, f"column {names[column]!r} contains inf at row {row}; expected {expected}"
        )
    if not allow_nan:
        missing = np.isnan(data)
        if missing.any():
            row, column = (int(index[0]) for index in np.nonzero(missing))
            raise _fail(
                estimator,
                f"column {names[column]!r} contains NaN at row {row}; expected no missing "
                "values (impute them first: features.imputation in params.yaml)",
            )
    return data


def _per_column(data: FloatArray, statistic: Callable[[FloatArray], float]) -> FloatArray:
    """``statistic`` of each column's observed (non-NaN) values; NaN for an all-NaN column.

    Looping over columns instead of calling ``np.nan*`` on the matrix keeps all-NaN
    columns explicit rather than a ``RuntimeWarning`` and a NaN to chase later.
    """
    result = np.full(data.shape[1], np.nan)
    for index in range(data.shape[1]):
        observed = data[:, index][~np.isnan(data[:, index])]
        if observed.size:
            result[index] = statistic(observed)
    return result


def _max_abs(data: FloatArray) -> FloatArray:
    return _per_column(data, lambda values: float(np.max(np.abs(values))))


def _stable_std(values: FloatArray) -> float:
    """Population standard deviation, computed on values divided by their largest
    magnitude so the squares neither underflow (values near 1e-160) nor overflow (near
    1e160); the spread is then scaled back."""
    largest = float(np.max(np.abs(values)))
    if largest == 0.0:
        return 0.0
    return largest * float(np.std(values / largest))


def _unit_magnitude(data: FloatArray) -> FloatArray:
    """Each column divided by its largest magnitude (columns of zeros or NaN unchanged)."""
    largest = _max_abs(data)
    divisor = np.where(np.isnan(largest) | (largest == 0.0), 1.0, largest)
    scaled: FloatArray = data / divisor
    return scaled


def _is_integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _allow_nan_tags(tags: Any, allow_nan: bool) -> Any:
    tags.input_tags.allow_nan = allow_nan
    return tags


# ---------------------------------------------------------------------- transformers


class QuantileClipper(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Winsorise each column at quantiles learned from the training data.

    Outliers are not dropped (rows stay aligned with the target) but pulled in to the
    ``lower_quantile`` and ``upper_quantile`` of the training column, so one wild value
    cannot dominate a scale or a linear fit. NaN passes through unchanged; an all-NaN
    training column gets the bounds -inf and +inf (nothing to learn, nothing clipped).

    Learned: ``lower_bounds_``, ``upper_bounds_`` (one per column).
    """

    def __init__(self, lower_quantile: float = 0.01, upper_quantile: float = 0.99) -> None:
        self.lower_quantile = lower_quantile
        self.upper_quantile = upper_quantile

    def fit(self, X: Any, y: object = None) -> Self:
        if not 0.0 <= self.lower_quantile < self.upper_quantile <= 1.0:
            raise _fail(
                self,
                "expected 0 <= lower_quantile < upper_quantile <= 1, found "
                f"lower_quantile={self.lower_quantile!r}, upper_quantile={self.upper_quantile!r}",
            )
        data = _validate_numeric(self, X, reset=True)
        lower = _per_column(data, lambda values: float(np.quantile(values, self.lower_quantile)))
        upper = _per_column(data, lambda values: float(np.quantile(values, self.upper_quantile)))
        self.lower_bounds_ = np.where(np.isnan(lower), -np.inf, lower)
        self.upper_bounds_ = np.where(np.isnan(upper), np.inf, upper)
        return self

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = _validate_numeric(self, X, reset=False)
        clipped: FloatArray = np.clip(data, self.lower_bounds_, self.upper_bounds_)
        return clipped  # np.clip keeps NaN as NaN

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        return _as_names(_input_feature_names(self, input_features))

    def __sklearn_tags__(self) -> Any:
        return _allow_nan_tags(super().__sklearn_tags__(), allow_nan=True)


class ColumnScaler(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Put columns on one scale: ``(x - center_) / scale_``.

    ``method="standard"`` centres on the mean and divides by the standard deviation
    (population, ddof=0); ``method="robust"`` centres on the median and divides by the
    interquartile range, so a few outliers do not set the scale. A column with no
    spread (see :func:`is_constant`) is centred but not divided (``scale_`` is 1), so
    no inf or NaN appears. NaN is ignored when learning and passes through; an all-NaN
    training column gets ``center_`` 0 and ``scale_`` 1.

    Learned: ``center_``, ``scale_`` (one per column).
    """

    METHODS = ("standard", "robust")

    def __init__(self, method: str = "standard") -> None:
        self.method = method

    def fit(self, X: Any, y: object = None) -> Self:
        if self.method not in self.METHODS:
            raise _fail(
                self, f"method: expected one of {list(self.METHODS)}, found {self.method!r}"
            )
        data = _validate_numeric(self, X, reset=True)
        if self.method == "standard":
            center = _per_column(data, lambda values: float(np.mean(values)))
            spread = _per_column(data, _stable_std)
        else:
            center = _per_column(data, lambda values: float(np.median(values)))
            spread = _per_column(
                data, lambda values: float(np.subtract(*np.quantile(values, [0.75, 0.25])))
            )
        max_abs = _max_abs(data)
        constant = np.isnan(spread) | np.array(
            [is_constant(s, m) for s, m in zip(spread, max_abs, strict=True)], dtype=bool
        )
        self.center_ = np.where(np.isnan(center), ALL_MISSING_FILL, center)
        self.scale_ = np.where(constant, 1.0, spread)
        return self

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = _validate_numeric(self, X, reset=False)
        scaled: FloatArray = (data - self.center_) / self.scale_
        return scaled

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        return _as_names(_input_feature_names(self, input_features))

    def __sklearn_tags__(self) -> Any:
        return _allow_nan_tags(super().__sklearn_tags__(), allow_nan=True)


class CorrelationFilter(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Drop near-duplicate columns: one of each pair with ``|Pearson r| > threshold``.

    The rule is deterministic and depends only on the data and the column order: walk
    the columns in input order; each column still kept drops every LATER column whose
    absolute correlation with it exceeds ``threshold``. So the earlier column of a
    correlated pair survives, no two kept columns correlate above the threshold, and
    every dropped column correlates above it with an earlier kept one. (The same
    first-found-first-kept rule as feature-engine's ``DropCorrelatedFeatures``; cheaper
    and easier to predict than ranking by mean correlation, as caret's
    ``findCorrelation`` does.)

    Correlations use the rows where both columns are observed (NaN allowed). A constant
    column (see :func:`is_constant`) correlates with nothing (r is taken as 0, not NaN),
    so it is kept unless another filter removes it.

    Learned: ``support_`` (boolean mask over the input columns), ``kept_features_``,
    ``dropped_features_`` (names), and ``drop_reasons_``: for each dropped column, in
    input order, ``(dropped, kept_partner, |r|)``, so a report can say why.
    """

    def __init__(self, threshold: float = 0.95) -> None:
        self.threshold = threshold

    def fit(self, X: Any, y: object = None) -> Self:
        if not 0.0 <= self.threshold <= 1.0:
            raise _fail(self, f"threshold: expected a number in [0, 1], found {self.threshold!r}")
        data = _validate_numeric(self, X, reset=True)
        correlation = absolute_correlations(data)
        keep = np.ones(data.shape[1], dtype=bool)
        partner = np.full(data.shape[1], -1)
        for column in range(data.shape[1]):
            if keep[column]:
                later = np.arange(data.shape[1]) > column
                partner[later & keep & (correlation[column] > self.threshold)] = column
                keep[later & (correlation[column] > self.threshold)] = False
        names = np.asarray(_column_names(self, data.shape[1]), dtype=object)
        self.support_ = keep
        self.kept_features_ = names[keep]
        self.dropped_features_ = names[~keep]
        self.drop_reasons_ = [
            (
                str(names[index]),
                str(names[partner[index]]),
                float(correlation[partner[index], index]),
            )
            for index in np.flatnonzero(~keep)
            if partner[index] >= 0
        ]
        return self

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = _validate_numeric(self, X, reset=False)
        kept: FloatArray = data[:, self.support_]
        return kept

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        names = _input_feature_names(self, input_features)
        return _as_names([name for name, keep in zip(names, self.support_, strict=True) if keep])

    def __sklearn_tags__(self) -> Any:
        return _allow_nan_tags(super().__sklearn_tags__(), allow_nan=True)


def absolute_correlations(data: FloatArray) -> FloatArray:
    """|Pearson r| of every pair of columns over pairwise-observed rows; 0 where undefined.

    The diagonal is 0 too: a column is not its own duplicate.
    """
    data = _unit_magnitude(data)  # r is scale-free; this keeps products clear of underflow
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = pd.DataFrame(data).corr(method="pearson", min_periods=2).to_numpy(copy=True)
    spread = _per_column(data, _stable_std)
    max_abs = _max_abs(data)
    constant = np.array(
        [np.isnan(s) or is_constant(s, m) for s, m in zip(spread, max_abs, strict=True)],
        dtype=bool,
    )
    correlation[constant, :] = 0.0
    correlation[:, constant] = 0.0
    np.fill_diagonal(correlation, 0.0)
    absolute: FloatArray = np.abs(np.nan_to_num(correlation, nan=0.0))
    return absolute


class NonLinearExpander(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Let a linear model bend: expand each column into non-linear basis features.

    ``method="spline"`` delegates to scikit-learn's ``SplineTransformer`` (B-splines of
    ``degree`` with ``n_knots`` uniform knots over the training range, constant beyond
    it, so unseen extremes cannot explode). The last basis function of each column is
    left out (``include_bias=False``): the basis sums to one, so it would only duplicate
    the model's intercept. Names: ``<column>_spline<i>``.

    ``method="polynomial"`` delegates to ``PolynomialFeatures`` (all products of columns
    up to ``degree``, without the constant): the count grows as C(n + degree, degree),
    so keep it for few columns. Names: ``a``, ``a^2``, ``a*b``.

    Needs complete data: impute first. Learned: ``expander_`` (the fitted delegate).
    """

    METHODS = ("spline", "polynomial")
    expander_: Any

    def __init__(self, method: str = "spline", n_knots: int = 4, degree: int = 3) -> None:
        self.method = method
        self.n_knots = n_knots
        self.degree = degree

    def fit(self, X: Any, y: object = None) -> Self:
        if self.method not in self.METHODS:
            raise _fail(
                self, f"method: expected one of {list(self.METHODS)}, found {self.method!r}"
            )
        if not _is_integer(self.degree) or self.degree < 1:
            raise _fail(self, f"degree: expected an integer >= 1, found {self.degree!r}")
        if not _is_integer(self.n_knots) or self.n_knots < 2:
            raise _fail(self, f"n_knots: expected an integer >= 2, found {self.n_knots!r}")
        data = _validate_numeric(self, X, reset=True, allow_nan=False)
        if self.method == "spline":
            if data.shape[0] < 2:
                raise _fail(
                    self,
                    f"spline knots need at least 2 training rows, found {data.shape[0]} sample",
                )
            expander = SplineTransformer(
                n_knots=self.n_knots,
                degree=self.degree,
                knots="uniform",
                extrapolation="constant",
                include_bias=False,
            )
        else:
            expander = PolynomialFeatures(degree=self.degree, include_bias=False)
        self.expander_ = expander.fit(data)
        return self

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = _validate_numeric(self, X, reset=False, allow_nan=False)
        expanded: FloatArray = np.asarray(self.expander_.transform(data), dtype=np.float64)
        return expanded

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        names = _input_feature_names(self, input_features)
        if self.method == "spline":
            per_column = self.expander_.n_features_out_ // len(names)
            return _as_names([f"{name}_spline{i}" for name in names for i in range(per_column)])
        return _as_names(
            [
                "*".join(
                    name if power == 1 else f"{name}^{power}"
                    for name, power in zip(names, powers, strict=True)
                    if power
                )
                for powers in self.expander_.powers_
            ]
        )


class Imputer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Fill NaN with each column's training median or mean (``strategy``).

    An all-NaN training column has no statistic; it is filled with 0.0
    (``ALL_MISSING_FILL``), the centre a scaled column would have, rather than left NaN.
    Nothing else is added (no missing-indicator columns).

    Learned: ``statistics_`` (the fill value of each column).
    """

    STRATEGIES = ("median", "mean")

    def __init__(self, strategy: str = "median") -> None:
        self.strategy = strategy

    def fit(self, X: Any, y: object = None) -> Self:
        if self.strategy not in self.STRATEGIES:
            raise _fail(
                self, f"strategy: expected one of {list(self.STRATEGIES)}, found {self.strategy!r}"
            )
        data = _validate_numeric(self, X, reset=True)
        statistic = np.median if self.strategy == "median" else np.mean
        fills = _per_column(data, lambda values: float(statistic(values)))
        self.statistics_ = np.where(np.isnan(fills), ALL_MISSING_FILL, fills)
        return self

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = _validate_numeric(self, X, reset=False)
        filled: FloatArray = np.where(np.isnan(data), self.statistics_, data)
        return filled

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        return _as_names(_input_feature_names(self, input_features))

    def __sklearn_tags__(self) -> Any:
        return _allow_nan_tags(super().__sklearn_tags__(), allow_nan=True)


class CategoryEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One-hot encode categorical columns, safe for categories never seen in training.

    For each column, ``fit`` learns its categories, most frequent first (ties in the
    order of their text), at most ``max_categories``; each becomes an indicator
    column ``<column>_<category>``. A value that is missing (None, NaN, pd.NA), rarer
    than the kept categories, or unseen in training is encoded as all zeros in its
    column's block: "none of the known categories". No "other" column is added.

    Numeric input is treated as codes: each distinct number is a category.

    Learned: ``categories_`` (one object array per column).
    """

    categories_: list[NameArray]

    def __init__(self, max_categories: int = 20) -> None:
        self.max_categories = max_categories

    def fit(self, X: Any, y: object = None) -> Self:
        if not _is_integer(self.max_categories) or self.max_categories < 1:
            raise _fail(
                self, f"max_categories: expected an integer >= 1, found {self.max_categories!r}"
            )
        data = validate_data(self, X, reset=True, dtype=None, ensure_all_finite="allow-nan")
        names = _column_names(self, data.shape[1])
        self.categories_ = [
            self._learn_categories(data[:, index], name) for index, name in enumerate(names)
        ]
        name_counts = Counter(self.get_feature_names_out())
        duplicates = sorted(name for name, count in name_counts.items() if count > 1)
        if duplicates:
            raise _fail(
                self,
                f"categories give duplicate column names {duplicates}; expected distinct "
                "category texts within a column (e.g. not both 1 and '1')",
            )
        return self

    def _learn_categories(self, column: npt.NDArray[Any], name: str) -> NameArray:
        if column.dtype == object:
            for row, value in enumerate(column):
                if not (isinstance(value, str | numbers.Number) or value is None or value is pd.NA):
                    raise TypeError(
                        f"CategoryEncoder: column {name!r} holds a {type(value).__name__} at "
                        f"row {row}; argument must be a string or a number (or missing)"
                    )
        observed = column[~pd.isna(column)]
        counts = pd.Series(observed, dtype=object).value_counts(sort=False)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        return np.asarray([value for value, _ in ranked[: self.max_categories]], dtype=object)

    def transform(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        data = validate_data(self, X, reset=False, dtype=None, ensure_all_finite="allow-nan")
        data = data.astype(object)  # compare as Python values: 1 == 1.0, NaN matches nothing
        blocks = [
            np.column_stack([column == category for category in categories])
            if len(categories)
            else np.zeros((data.shape[0], 0))
            for column, categories in zip(data.T, self.categories_, strict=True)
        ]
        encoded: FloatArray = np.hstack(blocks).astype(np.float64)
        return encoded

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> NameArray:
        names = _input_feature_names(self, input_features)
        return _as_names(
            [
                f"{name}_{category}"
                for name, categories in zip(names, self.categories_, strict=True)
                for category in categories
            ]
        )

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        return tags
