"""The one place that turns ``params.yaml``'s ``features:`` section into a preprocessor.

Training wraps the result as ``Pipeline([("features", build_preprocessor(...)),
("model", estimator)])`` and saves that whole pipeline, so serving applies exactly the
treatment the model was trained with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import FeaturesConfig
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features.transformers import (
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    Imputer,
    NonLinearExpander,
    QuantileClipper,
)


def numeric_steps(config: FeaturesConfig) -> list[tuple[str, Any]]:
    """The enabled numeric steps, in the order they must run.

    Imputation comes first because every later step needs complete data to learn
    from; clipping before scaling keeps outliers from setting the scale; the
    correlation filter sees the treated columns; non-linear expansion runs last, on the
    columns that survived, so it does not multiply duplicates.
    """
    steps: list[tuple[str, Any]] = []
    if config.imputation.enabled:
        steps.append(("impute", Imputer(strategy=config.imputation.strategy)))
    if config.outliers.enabled:
        steps.append(
            (
                "clip",
                QuantileClipper(
                    lower_quantile=config.outliers.lower_quantile,
                    upper_quantile=config.outliers.upper_quantile,
                ),
            )
        )
    if config.scaling.enabled:
        steps.append(("scale", ColumnScaler(method=config.scaling.method)))
    if config.correlation.enabled:
        steps.append(("decorrelate", CorrelationFilter(threshold=config.correlation.threshold)))
    if config.nonlinear.enabled:
        steps.append(
            (
                "expand",
                NonLinearExpander(
                    method=config.nonlinear.method,
                    n_knots=config.nonlinear.n_knots,
                    degree=config.nonlinear.degree,
                ),
            )
        )
    return steps


def build_preprocessor(
    config: FeaturesConfig,
    numeric_columns: Sequence[str],
    categorical_columns: Sequence[str],
) -> ColumnTransformer:
    """A ``ColumnTransformer`` with pandas output: numeric and categorical branches.

    Numeric columns go through :func:`numeric_steps` (unchanged if every step is
    disabled). Categorical columns are one-hot encoded by ``CategoryEncoder``, which
    encodes missing, rare and unseen values as all zeros, so they need no imputation.
    Columns named in neither list are dropped. Output names are the transformers' own
    (``mean_radius_spline0``, ``island_Biscoe``), without a branch prefix.
    """
    numeric = list(numeric_columns)
    categorical = list(categorical_columns)
    overlap = sorted(set(numeric) & set(categorical))
    if overlap:
        raise InputError(
            f"build_preprocessor: columns {overlap} are listed as both numeric and "
            "categorical; expected each column in one list"
        )
    if not numeric and not categorical:
        raise InputError(
            "build_preprocessor: no feature columns given; expected at least one numeric "
            "or categorical column"
        )
    branches: list[tuple[str, Any, list[str]]] = []
    if numeric:
        steps = numeric_steps(config)
        branches.append(("numeric", Pipeline(steps) if steps else "passthrough", numeric))
    if categorical:
        if not config.encoding.enabled:
            raise InputError(
                f"features.encoding.enabled is false, but the data has categorical columns "
                f"{categorical}; expected encoding enabled, or those columns removed"
            )
        encoder = CategoryEncoder(max_categories=config.encoding.max_categories)
        branches.append(("categorical", encoder, categorical))
    preprocessor = ColumnTransformer(branches, remainder="drop", verbose_feature_names_out=False)
    preprocessor.set_output(transform="pandas")
    return preprocessor
