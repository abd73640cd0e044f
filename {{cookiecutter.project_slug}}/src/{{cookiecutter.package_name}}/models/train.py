"""Stage ``train``: fit preprocessing and model as one pipeline and save it atomically.

The saved artifact is a single scikit-learn ``Pipeline([("features", ...), ("model",
...)])``, so whoever loads it (evaluation, serving) applies exactly the treatment the
model was trained with. Feature columns, and which are numeric or categorical, come
from the data contract, never from guessing at pandas dtypes.

After fitting, the transformed training matrix is held to a second contract (every
feature a finite float): a NaN or infinity that slipped through preprocessing would
otherwise surface only as a worse model.

The correlation filter drops columns silently by nature; ``run`` prints each dropped
column with the kept column it duplicates and their correlation, and the reasons stay
in the saved model (``drop_reasons_`` of the filter, see :func:`correlation_drops`).
"""

from __future__ import annotations

from typing import Any

import joblib
import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    Task,
    load_contract,
    read_dataset,
    target_labels,
)
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features.pipeline import build_preprocessor
from {{ cookiecutter.package_name }}.io import atomic_path

EXAMPLES = 3


class FeatureContractError(InputError):
    """Preprocessing produced a feature matrix that is not all finite floats."""


def build_estimator(params: Params, task: Task) -> Any:
    """The model named by ``train.model`` for ``task``, with its section's knobs, seeded.

    One row per model: the classifier for a class target (binary or multiclass), the
    regressor for a number, both from the same knobs.
    """
    from sklearn import ensemble, linear_model

    settings, seed = params.train, params.seed
    classify = task != "regression"
    if settings.model == "hist_gradient_boosting":
        boosting = settings.hist_gradient_boosting
        kind = (
            ensemble.HistGradientBoostingClassifier
            if classify
            else ensemble.HistGradientBoostingRegressor
        )
        return kind(
            max_iter=boosting.max_iter,
            learning_rate=boosting.learning_rate,
            max_leaf_nodes=boosting.max_leaf_nodes,
            l2_regularization=boosting.l2_regularization,
            early_stopping=False,  # every round runs: no hidden validation split
            random_state=seed,
        )
    if settings.model == "random_forest":
        forest = settings.random_forest
        kind = ensemble.RandomForestClassifier if classify else ensemble.RandomForestRegressor
        return kind(n_estimators=forest.n_estimators, max_depth=forest.max_depth, random_state=seed)
    linear = settings.linear
    if classify:
        return linear_model.LogisticRegression(
            C=linear.C, max_iter=linear.max_iter, random_state=seed
        )
    # Ridge minimises |y - Xw|^2 + alpha |w|^2; logistic regression |w|^2 / 2 + C * loss.
    return linear_model.Ridge(alpha=1 / (2 * linear.C), max_iter=linear.max_iter)


def build_pipeline(params: Params, contract: Contract) -> Any:
    from sklearn.pipeline import Pipeline

    preprocessor = build_preprocessor(
        params.features,
        contract.numeric_features,
        contract.categorical_features,
        contract.datetime_features,
    )
    return Pipeline(
        [("features", preprocessor), ("model", build_estimator(params, contract.target.task))]
    )


def check_features(matrix: pd.DataFrame) -> None:
    """The features contract: every column a float, every value finite."""
    not_float = [str(column) for column, dtype in matrix.dtypes.items() if dtype.kind != "f"]
    if not_float:
        raise FeatureContractError(
            f"features: expected every preprocessed column to be float, found "
            f"{ {column: str(matrix[column].dtype) for column in not_float[:EXAMPLES]} }"
        )
    bad = ~np.isfinite(matrix.to_numpy(dtype="float64"))
    if bad.any():
        columns = [str(name) for name in matrix.columns[bad.any(axis=0)]]
        rows = [str(name) for name in matrix.index[bad.any(axis=1)]]
        raise FeatureContractError(
            f"features: expected finite values after preprocessing, found NaN or infinity "
            f"in {len(columns)} column(s) {columns[:EXAMPLES]} at row(s) {rows[:EXAMPLES]}"
        )


def fit(train: pd.DataFrame, params: Params, contract: Contract) -> Any:
    """Fit the pipeline on a validated training frame and check its features."""
    features = train[contract.feature_columns]
    labels = target_labels(train[contract.target.column], contract)
    pipeline = build_pipeline(params, contract)
    pipeline.fit(features, labels)
    check_features(pipeline.named_steps["features"].transform(features))
    return pipeline


def correlation_drops(pipeline: Any) -> list[tuple[str, str, float]]:
    """``(dropped, kept partner, |r|)`` for each column the correlation filter dropped.

    Empty when the filter is disabled or there are no numeric columns.
    """
    numeric = pipeline.named_steps["features"].named_transformers_.get("numeric")
    steps = getattr(numeric, "named_steps", {})
    decorrelate = steps.get("decorrelate")
    reasons: list[tuple[str, str, float]] = getattr(decorrelate, "drop_reasons_", [])
    return list(reasons)


def correlation_report(pipeline: Any, params: Params) -> list[str]:
    """One line per dropped column: which, why (its kept partner) and the coefficient."""
    threshold = params.features.correlation.threshold
    return [
        f"train: correlation filter dropped {dropped!r}: |r| = {r:.3f} with the kept column "
        f"{partner!r}, above features.correlation.threshold {threshold}"
        for dropped, partner, r in correlation_drops(pipeline)
    ]


def save(pipeline: Any, path: str) -> None:
    with atomic_path(path) as temporary:
        joblib.dump(pipeline, temporary)


def run(params: Params) -> None:
    contract = load_contract(params.data.contract, params.data.target)
    train = read_dataset(params.data.train_path, contract)
    pipeline = fit(train, params, contract)
    save(pipeline, params.train.model_path)
    for line in correlation_report(pipeline, params):
        print(line)
    print(
        f"train: {params.train.model} on {len(train)} rows x {len(contract.feature_columns)} "
        f"features -> {params.train.model_path}"
    )
