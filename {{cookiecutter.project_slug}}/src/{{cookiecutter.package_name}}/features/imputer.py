"""Imputer: fill gaps with each column's training median or mean."""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    OneOf,
    Transformer,
    parameter_checks,
)
from {{ cookiecutter.package_name }}.features._stats import (
    ALL_MISSING_FILL,
    per_column,
)


class Imputer(Transformer):
    """Fill NaN with each column's training median or mean (``strategy``).

    An all-NaN training column has no statistic; it is filled with 0.0
    (``ALL_MISSING_FILL``), the centre a scaled column would have, rather than left NaN.
    Nothing else is added (no missing-indicator columns).

    Parameters
    ----------
    strategy : {"median", "mean"}, default="median"
        The statistic of the observed training values that fills a column's gaps.

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features_in_,)
        The fill value of each column.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [20.0, np.nan, 40.0, 90.0]})
    >>> Imputer(strategy="median").fit_transform(frame).ravel().tolist()
    [20.0, 40.0, 40.0, 90.0]
    """

    STRATEGIES = ("median", "mean")
    _parameter_checks = parameter_checks(strategy=OneOf(STRATEGIES))

    def __init__(self, strategy: str = "median") -> None:
        self.strategy = strategy

    def _fit(self, data: FloatArray) -> None:
        statistic = np.median if self.strategy == "median" else np.mean
        fills = per_column(data, lambda values: float(statistic(values)))
        self.statistics_ = np.where(np.isnan(fills), ALL_MISSING_FILL, fills)

    def _transform(self, data: FloatArray) -> FloatArray:
        filled: FloatArray = np.where(np.isnan(data), self.statistics_, data)
        return filled
