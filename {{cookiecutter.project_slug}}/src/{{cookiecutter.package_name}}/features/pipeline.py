"""The one place that turns ``params.yaml``'s ``features:`` section into a preprocessor.

Training wraps the result as ``Pipeline([("features", build_preprocessor(...)),
("model", estimator)])`` and saves that whole pipeline, so serving applies exactly the
treatment the model was trained with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

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


@dataclasses.dataclass(frozen=True)
class Step:
    """Where a transformer sits in the preprocessor.

    ``name`` is its step in the saved pipeline; ``section`` is its section of
    ``params.yaml``'s ``features:`` (a field of ``FeaturesConfig``), whose ``enabled``
    switches it on and whose other fields are its parameters, by name; ``branch`` is
    the kind of column it treats.
    """

    name: str
    section: str
    branch: Literal["numeric", "categorical"] = "numeric"


# Every transformer of features.transformers.__all__, in the order the steps of its
# branch run. Imputation comes first because every later step needs complete data to
# learn from; clipping before scaling keeps outliers from setting the scale; the
# correlation filter sees the treated columns; non-linear expansion runs last, on the
# columns that survived, so it does not multiply duplicates. Categorical columns need
# no imputation: the encoder encodes missing, rare and unseen values as all zeros.
STEPS: dict[type[Any], Step] = {
    Imputer: Step("impute", "imputation"),
    QuantileClipper: Step("clip", "outliers"),
    ColumnScaler: Step("scale", "scaling"),
    CorrelationFilter: Step("decorrelate", "correlation"),
    NonLinearExpander: Step("expand", "nonlinear"),
    CategoryEncoder: Step("encode", "encoding", branch="categorical"),
}


def branch_steps(
    config: FeaturesConfig, branch: Literal["numeric", "categorical"]
) -> list[tuple[str, Any]]:
    """The enabled steps of one branch, in the order they must run (``STEPS``)."""
    steps: list[tuple[str, Any]] = []
    for transformer, step in STEPS.items():
        section = getattr(config, step.section)
        if step.branch == branch and section.enabled:
            parameters = {
                field.name: getattr(section, field.name)
                for field in dataclasses.fields(section)
                if field.name != "enabled"
            }
            steps.append((step.name, transformer(**parameters)))
    return steps


def numeric_steps(config: FeaturesConfig) -> list[tuple[str, Any]]:
    """The enabled numeric steps, in the order they must run."""
    return branch_steps(config, "numeric")


def build_preprocessor(
    config: FeaturesConfig,
    numeric_columns: Sequence[str],
    categorical_columns: Sequence[str],
) -> ColumnTransformer:
    """A ``ColumnTransformer`` with pandas output: numeric and categorical branches.

    Numeric columns go through :func:`numeric_steps` (unchanged if every step is
    disabled). Categorical columns are one-hot encoded by ``CategoryEncoder``, which
    encodes missing, rare and unseen values as all zeros, so they need no imputation
    (the ``encode`` step of ``STEPS``, the branch's only step).
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
        steps = branch_steps(config, "categorical")
        if not steps:
            section = next(s.section for s in STEPS.values() if s.branch == "categorical")
            raise InputError(
                f"features.{section}.enabled is false, but the data has categorical columns "
                f"{categorical}; expected {section} enabled, or those columns removed"
            )
        # STEPS has one categorical step, the encoder: the branch is that transformer
        # itself (its categories_ one attribute away); a second would need a Pipeline.
        ((_, encoder),) = steps
        branches.append(("categorical", encoder, categorical))
    # Columns in neither list are dropped (ColumnTransformer's remainder="drop").
    preprocessor = ColumnTransformer(branches, verbose_feature_names_out=False)
    preprocessor.set_output(transform="pandas")
    return preprocessor
