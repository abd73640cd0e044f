"""CorrelationFilter: drop the later column of each near-duplicate pair."""

from __future__ import annotations

from itertools import compress

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    NumberFrom,
    Transformer,
    column_names,
    parameter_checks,
)
from {{ cookiecutter.package_name }}.features._stats import (
    is_constant,
    max_abs,
    per_column,
    stable_std,
    unit_magnitude,
)


class CorrelationFilter(Transformer):
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
    column correlates with nothing (r is taken as 0, not NaN), so it is kept unless
    another filter removes it.

    Parameters
    ----------
    threshold : float, default=0.95
        Of two columns with ``|r|`` above it (in [0, 1]), the later one is dropped.

    Attributes
    ----------
    support_ : ndarray of bool, shape (n_features_in_,)
        Which input columns are kept.
    kept_features_ : ndarray of str
        Names of the kept columns, in input order.
    dropped_features_ : ndarray of str
        Names of the dropped columns, in input order.
    drop_reasons_ : list of (str, str, float)
        For each dropped column, in input order, ``(dropped, kept_partner, |r|)``, so a
        report can say why.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame(
    ...     {"cm": [1.0, 2.0, 3.0, 4.0], "inch": [0.4, 0.8, 1.2, 1.6], "age": [3.0, 1.0, 4.0, 1.0]}
    ... )
    >>> kept = CorrelationFilter(threshold=0.95).fit(frame)
    >>> kept.get_feature_names_out().tolist()
    ['cm', 'age']
    >>> kept.drop_reasons_
    [('inch', 'cm', 1.0)]
    """

    _parameter_checks = parameter_checks(threshold=NumberFrom(0.0, 1.0))

    def __init__(self, threshold: float = 0.95) -> None:
        self.threshold = threshold

    def _fit(self, data: FloatArray) -> None:
        correlation = absolute_correlations(data)
        keep = np.ones(data.shape[1], dtype=bool)
        partner = np.zeros(data.shape[1], dtype=int)
        for column in range(data.shape[1]):
            if keep[column]:
                later = np.arange(data.shape[1]) > column
                partner[later & keep & (correlation[column] > self.threshold)] = column
                keep[later & (correlation[column] > self.threshold)] = False
        names = np.asarray(column_names(self, data.shape[1]), dtype=object)
        self.support_ = keep
        self.kept_features_ = names[keep]
        self.dropped_features_ = names[~keep]
        self.drop_reasons_ = [
            (
                str(names[index]),
                str(names[partner[index]]),
                float(correlation[partner[index], index]),
            )
            for index in np.flatnonzero(~keep)  # each was dropped by its partner, kept
        ]

    def _transform(self, data: FloatArray) -> FloatArray:
        kept: FloatArray = data[:, self.support_]
        return kept

    def _names_out(self, names: list[str]) -> list[str]:
        return list(compress(names, self.support_))


def absolute_correlations(data: FloatArray) -> FloatArray:
    """|Pearson r| of every pair of columns over pairwise-observed rows; 0 where undefined
    and for a constant column (one whose spread is rounding noise, see ``is_constant``).

    A varying column's |r| with itself is 1: ``CorrelationFilter`` compares a column
    with later ones only.
    """
    data = unit_magnitude(data)  # r is scale-free; this keeps products clear of underflow
    # pandas' Pearson r (no numpy warnings): NaN for a pair with fewer than 2 rows
    # observed in both (an all-NaN column's pairs), or one that does not vary over them.
    correlation = pd.DataFrame(data).corr().to_numpy(copy=True)
    constant = is_constant(per_column(data, stable_std), max_abs(data))
    correlation[constant, :] = 0.0
    correlation[:, constant] = 0.0
    absolute: FloatArray = np.abs(np.nan_to_num(correlation))  # NaN (undefined r) -> 0
    return absolute
