"""QuantileClipper: winsorise outliers at quantiles learned from the training data."""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    Transformer,
)
from {{ cookiecutter.package_name }}.features._stats import per_column


class QuantileClipper(Transformer):
    """Winsorise each column at quantiles learned from the training data.

    Outliers are not dropped (rows stay aligned with the target) but pulled in to the
    ``lower_quantile`` and ``upper_quantile`` of the training column, so one wild value
    cannot dominate a scale or a linear fit. NaN passes through unchanged; an all-NaN
    training column gets the bounds -inf and +inf (nothing to learn, nothing clipped).

    Parameters
    ----------
    lower_quantile : float, default=0.01
        Values below this quantile of the training column are raised to it.
    upper_quantile : float, default=0.99
        Values above this quantile are lowered to it;
        ``0 <= lower_quantile < upper_quantile <= 1``.

    Attributes
    ----------
    lower_bounds_ : ndarray of shape (n_features_in_,)
        The learned lower bound of each column.
    upper_bounds_ : ndarray of shape (n_features_in_,)
        The learned upper bound of each column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0, 100.0]})
    >>> clipper = QuantileClipper(lower_quantile=0.0, upper_quantile=0.75).fit(frame)
    >>> clipper.transform(frame).ravel().tolist()
    [1.0, 2.0, 3.0, 4.0, 4.0]
    """

    def __init__(self, lower_quantile: float = 0.01, upper_quantile: float = 0.99) -> None:
        self.lower_quantile = lower_quantile
        self.upper_quantile = upper_quantile

    def _check_parameters(self) -> None:
        if not 0.0 <= self.lower_quantile < self.upper_quantile <= 1.0:
            raise self._fail(
                "expected 0 <= lower_quantile < upper_quantile <= 1, found "
                f"lower_quantile={self.lower_quantile!r}, upper_quantile={self.upper_quantile!r}"
            )

    def _fit(self, data: FloatArray) -> None:
        lower = per_column(data, lambda values: float(np.quantile(values, self.lower_quantile)))
        upper = per_column(data, lambda values: float(np.quantile(values, self.upper_quantile)))
        self.lower_bounds_ = np.where(np.isnan(lower), -np.inf, lower)
        self.upper_bounds_ = np.where(np.isnan(upper), np.inf, upper)

    def _transform(self, data: FloatArray) -> FloatArray:
        clipped: FloatArray = np.clip(data, self.lower_bounds_, self.upper_bounds_)
        return clipped  # np.clip keeps NaN as NaN
