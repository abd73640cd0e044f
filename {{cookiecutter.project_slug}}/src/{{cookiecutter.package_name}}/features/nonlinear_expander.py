"""NonLinearExpander: spline or polynomial basis features, so a linear model can bend."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.preprocessing import PolynomialFeatures, SplineTransformer

from {{ cookiecutter.package_name }}.features._base import (
    FloatArray,
    IntegerAtLeast,
    OneOf,
    Transformer,
    parameter_checks,
)


class NonLinearExpander(Transformer):
    """Let a linear model bend: expand each column into non-linear basis features.

    ``method="spline"`` delegates to scikit-learn's ``SplineTransformer`` (B-splines of
    ``degree`` with ``n_knots`` uniform knots over the training range, constant beyond
    it, so unseen extremes cannot explode). The last basis function of each column is
    left out (``include_bias=False``): the basis sums to one, so it would only duplicate
    the model's intercept. Names: ``<column>_spline<i>``.

    ``method="polynomial"`` delegates to ``PolynomialFeatures`` (all products of columns
    up to ``degree``, without the constant): the count grows as C(n + degree, degree),
    so keep it for few columns. Names: ``a``, ``a^2``, ``a*b``.

    Needs complete data: impute first (NaN is an error naming its column and row).

    Parameters
    ----------
    method : {"spline", "polynomial"}, default="spline"
        The basis.
    n_knots : int, default=4
        Knots of the spline (at least 2); unused by ``"polynomial"``.
    degree : int, default=3
        Degree of the spline pieces or the highest power (at least 1).

    Attributes
    ----------
    expander_ : SplineTransformer or PolynomialFeatures
        The fitted scikit-learn transformer that does the work.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, 0.0, 1.0]})
    >>> expander = NonLinearExpander(method="polynomial", degree=2).fit(frame)
    >>> expander.get_feature_names_out().tolist()
    ['a', 'b', 'a^2', 'a*b', 'b^2']
    >>> NonLinearExpander(n_knots=3, degree=2).fit(frame).get_feature_names_out().tolist()
    ['a_spline0', 'a_spline1', 'a_spline2', 'b_spline0', 'b_spline1', 'b_spline2']
    """

    METHODS = ("spline", "polynomial")
    allow_nan = False
    _parameter_checks = parameter_checks(
        method=OneOf(METHODS),
        degree=IntegerAtLeast(1),
        n_knots=IntegerAtLeast(2),
    )
    expander_: Any

    def __init__(self, method: str = "spline", n_knots: int = 4, degree: int = 3) -> None:
        self.method = method
        self.n_knots = n_knots
        self.degree = degree

    def _fit(self, data: FloatArray) -> None:
        if self.method == "spline":
            if data.shape[0] < 2:
                raise self._fail(
                    f"spline knots need at least 2 training rows, found {data.shape[0]} sample"
                )
            # Its defaults are what this class promises: uniform knots over the training
            # range, constant extrapolation (tests/unit/test_feature_edges.py pins both).
            expander = SplineTransformer(
                n_knots=self.n_knots, degree=self.degree, include_bias=False
            )
        else:
            expander = PolynomialFeatures(degree=self.degree, include_bias=False)
        self.expander_ = expander.fit(data)

    def _transform(self, data: FloatArray) -> FloatArray:
        expanded: FloatArray = np.asarray(self.expander_.transform(data))
        return expanded

    def _names_out(self, names: list[str]) -> list[str]:
        if self.method == "spline":
            per_column = self.expander_.n_features_out_ // len(names)
            return [f"{name}_spline{i}" for name in names for i in range(per_column)]
        return [
            "*".join(
                name if power == 1 else f"{name}^{power}"
                for name, power in zip(names, powers, strict=True)
                if power
            )
            for powers in self.expander_.powers_
        ]
