"""``predict``: score the rows of a CSV file with the saved model.

The rows are held to the data contract first (every column but the target, which may
be absent or empty), so a file the model was never meant to see stops with the same
one-line summary as ``validate``. The output keeps the rows' columns that are not
features (an id, say), then the predicted class (positive from ``evaluate.threshold``
on, as ``evaluate`` decides) and one probability column per class, named after it:
``probability_<class>``, in the contract's order of the classes, whatever order the
model keeps them in. It is written atomically.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models.evaluate import load_model

PREDICTION = "prediction"


def probability_column(label: object) -> str:
    return f"probability_{label}"


def predictions(
    pipeline: object, rows: pd.DataFrame, contract: Contract, threshold: float
) -> pd.DataFrame:
    """The kept columns of ``rows``, the predicted class (positive from ``threshold`` on)
    and each class's probability."""
    classes = list(getattr(pipeline, "classes_", []))
    expected = list(contract.target.values)
    if sorted(map(str, classes)) != sorted(map(str, expected)):
        raise InputError(
            f"model classes {[str(label) for label in classes]} are not the contract's "
            f"{expected} ({contract.path}); retrain the model"
        )
    probabilities = pipeline.predict_proba(rows[contract.feature_columns])  # type: ignore[attr-defined]
    by_class = {str(label): probabilities[:, index] for index, label in enumerate(classes)}
    positive = by_class[str(contract.target.positive)]
    target = contract.target
    output = rows[[rule.name for rule in contract.columns if not rule.feature]].copy()
    output[PREDICTION] = np.where(positive >= threshold, target.positive, target.negative)
    for label in expected:
        output[probability_column(label)] = by_class[str(label)]
    return output


def run(params: Params, source: Path, destination: Path) -> None:
    contract = load_contract(params.data.contract, params.data.target)
    rows = read_dataset(source, contract, labelled=False)
    pipeline = load_model(Path(params.train.model_path))
    scored = predictions(pipeline, rows, contract, params.evaluate.threshold)
    write_csv(scored, destination)
    print(f"predict: {len(scored)} rows of {source} -> {destination}")
