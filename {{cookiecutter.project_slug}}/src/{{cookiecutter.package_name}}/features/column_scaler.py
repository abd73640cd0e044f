"""ColumnScaler: put columns on one scale, by mean and standard deviation or robustly."""

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
    is_constant,
    max_abs,
    per_column,
    stable_std,
)


class ColumnScaler(Transformer):
    """Put columns on one scale: ``(x - center_) / scale_``.

    ``method="standard"`` centres on the mean and divides by the standard deviation
    (population, ddof=0); ``method="robust"`` centres on the median and divides by the
    interquartile range, so a few outliers do not set the scale. A column with no
    spread (see :func:`~{{ cookiecutter.package_name }}.features._stats.is_constant`) is
    centred but not divided (``scale_`` is 1), so no inf or NaN appears. NaN is ignored
    when learning and passes through; an all-NaN training column gets ``center_`` 0 and
    ``scale_`` 1.

    Parameters
    ----------
    method : {"standard", "robust"}, default="standard"
        Mean and standard deviation, or median and interquartile range.

    Attributes
    ----------
    center_ : ndarray of shape (n_features_in_,)
        What is subtracted from each column.
    scale_ : ndarray of shape (n_features_in_,)
        What each centred column is divided by (1 for a constant column).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"height": [1.0, 2.0, 3.0], "flat": [5.0, 5.0, 5.0]})
    >>> ColumnScaler(method="robust").fit_transform(frame).tolist()
    [[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]
    """

    METHODS = ("standard", "robust")
    _parameter_checks = parameter_checks(method=OneOf(METHODS))

    def __init__(self, method: str = "standard") -> None:
        self.method = method

    def _fit(self, data: FloatArray) -> None:
        if self.method == "standard":
            center = per_column(data, lambda values: float(np.mean(values)))
            spread = per_column(data, stable_std)
        else:
            center = per_column(data, lambda values: float(np.median(values)))
            spread = per_column(
                data, lambda values: float(np.subtract(*np.quantile(values, [0.75, 0.25])))
            )
        largest = max_abs(data)
        constant = np.isnan(spread) | is_constant(spread, largest)
        self.center_ = np.where(np.isnan(center), ALL_MISSING_FILL, center)
        self.scale_ = np.where(constant, 1.0, spread)

    def _transform(self, data: FloatArray) -> FloatArray:
        scaled: FloatArray = (data - self.center_) / self.scale_
        return scaled
