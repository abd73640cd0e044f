"""evaluate's scoring, its metrics file and the errors of a model it cannot use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models import evaluate
from {{ cookiecutter.package_name }}.models.metrics import Scores

from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project


class FixedModel:
    """A fitted classifier stand-in: given classes, and P(last class) for each row."""

    def __init__(self, probability: list[float], classes: tuple[str, str] = ("no", "yes")) -> None:
        self.classes_ = np.array(classes)
        self.probability = np.asarray(probability)

    def predict_proba(self, features: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        return np.column_stack([1 - self.probability, self.probability])


def _contract(tmp_path: Path) -> Contract:
    path = tmp_path / "mini.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return load_contract(path, "label")


def test_predictions_keep_the_rows_of_the_frame(tmp_path: Path) -> None:
    """Each prediction is labelled with its row, whatever the frame's index."""
    frame = mini_frame().iloc[[7, 3, 5]]
    scores = evaluate.score(FixedModel([0.9, 0.1, 0.6]), frame, _contract(tmp_path), 0.5)
    assert scores.predicted.to_dict() == {7: "yes", 3: "no", 5: "yes"}
    assert scores.actual.to_dict() == frame["label"].to_dict()


def test_probability_is_of_the_positive_class_whichever_column_it_is(tmp_path: Path) -> None:
    model = FixedModel([0.8, 0.3], classes=("yes", "no"))
    probability = evaluate.positive_probability(model, mini_frame().head(2), _contract(tmp_path))
    np.testing.assert_allclose(probability, [0.2, 0.7])


def test_a_model_without_the_positive_class_is_refused(tmp_path: Path) -> None:
    """Was: ``model classes [np.str_('no'), np.str_('maybe')] do not include ...``."""
    contract = _contract(tmp_path)
    model = FixedModel([0.8, 0.3], classes=("no", "maybe"))
    with pytest.raises(InputError) as error:
        evaluate.positive_probability(model, mini_frame().head(2), contract)
    assert str(error.value) == (
        "model classes ['no', 'maybe'] are not the contract's ['no', 'yes'] "
        f"({contract.path}); retrain the model"
    )


def test_metrics_file_has_one_metric_a_line_in_table_order(tmp_path: Path) -> None:
    params = write_project(tmp_path)
    contract = _contract(tmp_path)
    probability = np.array([0.9, 0.4, 0.2, 0.6])
    scores = Scores(
        actual=pd.Series(["yes", "yes", "no", "no"]),
        predicted=pd.Series(["yes", "no", "no", "yes"]),
        probabilities=pd.DataFrame({"no": 1 - probability, "yes": probability}),
        target=contract.target,
    )
    frame = mini_frame(rows=4)
    results = evaluate.write_reports(scores, evaluate.measure(scores, frame, contract), params)
    text = Path(params.evaluate.metrics_path).read_text(encoding="utf-8")
    assert text.splitlines() == [
        "{",
        '  "accuracy": 0.5,',
        '  "roc_auc": 0.75,',
        '  "f1": 0.5,',
        '  "precision": 0.5,',
        '  "recall": 0.5,',
        f'  "brier": {results["brier"]!r}',
        "}",
    ]
    assert text.endswith("}\n")
    assert results["brier"] == pytest.approx(0.1925)


def test_a_truncated_model_file_names_what_failed_and_what_to_run(tmp_path: Path) -> None:
    model = tmp_path / "model.joblib"
    joblib.dump(list(range(1000)), model)
    model.write_bytes(model.read_bytes()[:100])
    with pytest.raises(InputError) as error:
        evaluate.load_model(model)
    assert str(error.value) == (
        f"{model}: not a model saved by train (EOFError); run `dvc repro train` to rebuild it"
    )


def test_a_saved_object_that_cannot_predict_is_named_by_type(tmp_path: Path) -> None:
    model = tmp_path / "model.joblib"
    joblib.dump({"weights": [1.0, 2.0]}, model)
    with pytest.raises(InputError) as error:
        evaluate.load_model(model)
    assert str(error.value) == f"{model}: expected a fitted pipeline saved by train, found dict"
