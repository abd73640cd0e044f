"""``predict``: score the rows of a CSV file with the saved model.

The rows are held to the data contract first (every column but the target, which may
be absent or empty), so a file the model was never meant to see stops with the same
one-line summary as ``validate``. The output keeps the rows' columns that are not
features (an id, say) nor personal data (``pii:`` in the contract), then ``prediction``, as ``evaluate`` decides it: for a binary
target the positive class from ``evaluate.threshold`` on, for a multiclass one the
most probable class, for regression the number. A class target adds one probability
column per class, named after it: ``probability_<class>``, in the contract's order of
the classes, whatever order the model keeps them in. It is written atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.models.evaluate import decide, load_model

PREDICTION = "prediction"


def probability_column(label: object) -> str:
    return f"probability_{label}"


def predictions(
    pipeline: object, rows: pd.DataFrame, contract: Contract, threshold: float
) -> pd.DataFrame:
    """The kept columns of ``rows``, the prediction and, for classes, each one's probability.

    The prediction is decided as ``evaluate`` decides it (:func:`evaluate.decide`).
    """
    predicted, probabilities = decide(pipeline, rows[contract.feature_columns], contract, threshold)
    output = rows[[name for name in contract.echoed_columns if name in rows.columns]].copy()
    output[PREDICTION] = predicted
    if probabilities is not None:
        for label in contract.target.classes:
            output[probability_column(label)] = probabilities[label]
    return output


def run(params: Params, source: Path, destination: Path) -> None:
    contract = load_contract(params.data.contract, params.data.target)
    rows = read_dataset(source, contract, labelled=False)
    pipeline = load_model(Path(params.train.model_path))
    scored = predictions(pipeline, rows, contract, params.evaluate.threshold)
    write_csv(scored, destination)
    print(f"predict: {len(scored)} rows of {source} -> {destination}")
