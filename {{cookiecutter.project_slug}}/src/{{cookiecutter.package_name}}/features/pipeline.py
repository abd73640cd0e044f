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
    CalendarEncoder,
    CategoryEncoder,
    ColumnScaler,
    CorrelationFilter,
    Imputer,
    NonLinearExpander,
    QuantileClipper,
)

Branch = Literal["numeric", "categorical", "datetime"]


@dataclasses.dataclass(frozen=True)
class Step:
    """Where a transformer sits in the preprocessor.

    ``name`` is its step in the saved pipeline; ``section`` is its section of
    ``params.yaml``'s ``features:`` (a field of ``FeaturesConfig``), whose ``enabled``
    switches it on and whose other fields are its parameters, by name; ``branches``
    are the kinds of column it treats.
    """

    name: str
    section: str
    branches: tuple[Branch, ...] = ("numeric",)


# Every transformer of features.transformers.__all__, in the order the steps of each
# branch run. A date column first becomes numbers (its calendar parts); a missing date's
# parts are then imputed and the year scaled like any numeric column. Imputation comes
# first because every later step needs complete data to learn from; clipping before
# scaling keeps outliers from setting the scale; the correlation filter sees the treated
# columns; non-linear expansion runs last, on the columns that survived, so it does not
# multiply duplicates. Categorical columns need no imputation: the encoder encodes
# missing, rare and unseen values as all zeros.
STEPS: dict[type[Any], Step] = {
    CalendarEncoder: Step("calendar", "calendar", branches=("datetime",)),
    Imputer: Step("impute", "imputation", branches=("numeric", "datetime")),
    QuantileClipper: Step("clip", "outliers"),
    ColumnScaler: Step("scale", "scaling", branches=("numeric", "datetime")),
    CorrelationFilter: Step("decorrelate", "correlation"),
    NonLinearExpander: Step("expand", "nonlinear"),
    CategoryEncoder: Step("encode", "encoding", branches=("categorical",)),
}


def branch_steps(config: FeaturesConfig, branch: Branch) -> list[tuple[str, Any]]:
    """The enabled steps of one branch, in the order they must run (``STEPS``)."""
    steps: list[tuple[str, Any]] = []
    for transformer, step in STEPS.items():
        section = getattr(config, step.section)
        if branch in step.branches and section.enabled:
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


def _encoding_steps(config: FeaturesConfig, branch: Branch, columns: list[str]) -> Any:
    """The steps of a branch whose first step must run (its columns are not numbers)."""
    first = next(step for step in STEPS.values() if branch in step.branches)
    steps = branch_steps(config, branch)
    if not steps or steps[0][0] != first.name:
        raise InputError(
            f"features.{first.section}.enabled is false, but the data has {branch} columns "
            f"{columns}; expected {first.section} enabled, or those columns removed"
        )
    # The categorical branch is its encoder itself (its categories_ one attribute away).
    return steps[0][1] if len(steps) == 1 else Pipeline(steps)


def build_preprocessor(
    config: FeaturesConfig,
    numeric_columns: Sequence[str],
    categorical_columns: Sequence[str],
    datetime_columns: Sequence[str] = (),
) -> ColumnTransformer:
    """A ``ColumnTransformer`` with pandas output: one branch per kind of column.

    Numeric columns go through :func:`numeric_steps` (unchanged if every step is
    disabled). Categorical columns are one-hot encoded by ``CategoryEncoder``, which
    encodes missing, rare and unseen values as all zeros, so they need no imputation
    (the ``encode`` step of ``STEPS``, the branch's only step). Datetime columns become
    their calendar parts (``CalendarEncoder``), then are imputed and scaled as the
    numeric branch is. Columns named in no list are dropped. Output names are the
    transformers' own (``mean_radius_spline0``, ``island_Biscoe``,
    ``signup_month_sin``), without a branch prefix.
    """
    columns = {
        "numeric": list(numeric_columns),
        "categorical": list(categorical_columns),
        "datetime": list(datetime_columns),
    }
    listed = [column for names in columns.values() for column in names]
    overlap = sorted({column for column in listed if listed.count(column) > 1})
    if overlap:
        raise InputError(
            f"build_preprocessor: columns {overlap} are listed twice (as numeric, "
            "categorical or datetime); expected each column in one list"
        )
    if not listed:
        raise InputError(
            "build_preprocessor: no feature columns given; expected at least one numeric, "
            "categorical or datetime column"
        )
    branches: list[tuple[str, Any, list[str]]] = []
    if columns["numeric"]:
        steps = numeric_steps(config)
        branches.append(
            ("numeric", Pipeline(steps) if steps else "passthrough", columns["numeric"])
        )
    for branch in ("categorical", "datetime"):
        if columns[branch]:
            treatment = _encoding_steps(config, branch, columns[branch])
            branches.append((branch, treatment, columns[branch]))
    # Columns in no list are dropped (ColumnTransformer's remainder="drop").
    preprocessor = ColumnTransformer(branches, verbose_feature_names_out=False)
    preprocessor.set_output(transform="pandas")
    return preprocessor
