"""``predict``: rows held to the contract, scored by the saved model, one named column
per class.

A probability column under the wrong class name is a silent bug (every consumer reads
it as the other class), so each named column is checked against the model's own
probability of that class, with the model's class order both ways round.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    load_contract,
    read_dataset,
)
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models import predict, train

from tests.unit.mini_dataset import mini_frame, write_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Params:
    """A trained model of the mini data set, in a project folder of its own."""
    monkeypatch.chdir(tmp_path)
    params = write_project(tmp_path)
    validate.run(params)
    train.run(params)
    return params


PARAMS = """\
data:
  target: label
  contract: contracts/mini.yaml
  raw_path: data/raw/dataset.csv
  train_path: data/processed/train.csv
  test_path: data/processed/test.csv
train:
  model_path: models/model.joblib
"""


def _contract(params: Params) -> Contract:
    return load_contract(params.data.contract, params.data.target)


def _rows(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "rows.csv"
    frame.to_csv(path, index=False)
    return path


class Reversed:
    """The trained pipeline with its classes reported in the other order."""

    def __init__(self, pipeline: object) -> None:
        self.pipeline = pipeline
        self.classes_ = np.asarray(pipeline.classes_[::-1])  # type: ignore[attr-defined]

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(features)[:, ::-1]  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "wrap", [lambda pipeline: pipeline, Reversed], ids=["as-fitted", "reversed"]
)
def test_each_probability_column_holds_its_own_class(project: Params, wrap: object) -> None:
    pipeline = joblib.load(project.train.model_path)
    rows = mini_frame(rows=20, seed=7).drop(columns="label")
    scored = predict.predictions(wrap(pipeline), rows, _contract(project), 0.5)  # type: ignore[operator]
    assert list(scored.columns) == ["id", "prediction", "probability_no", "probability_yes"]
    expected = pipeline.predict_proba(rows[["age", "height", "colour", "member"]])
    yes = list(pipeline.classes_).index("yes")
    np.testing.assert_allclose(scored["probability_yes"], expected[:, yes])
    np.testing.assert_allclose(scored["probability_no"], expected[:, 1 - yes])
    assert scored["id"].tolist() == rows["id"].tolist()


def test_the_prediction_is_positive_from_the_threshold_on(project: Params) -> None:
    pipeline = joblib.load(project.train.model_path)
    rows = mini_frame(rows=40, seed=3).drop(columns="label")
    contract = _contract(project)
    yes = predict.predictions(pipeline, rows, contract, 0.5)["probability_yes"]
    threshold = float(np.sort(yes.to_numpy())[20])  # a probability some row has exactly
    scored = predict.predictions(pipeline, rows, contract, threshold)
    assert (scored["prediction"] == np.where(yes >= threshold, "yes", "no")).all()
    assert (scored["prediction"] == "yes").sum() == 20


def test_the_command_checks_the_rows_and_writes_the_file(
    project: Params, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "params.yaml").write_text(PARAMS, encoding="utf-8")  # the fixture's paths
    source = _rows(tmp_path, mini_frame(rows=5, seed=1).drop(columns="label"))
    output = tmp_path / "out" / "predictions.csv"
    assert main(["--params", "params.yaml", "predict", str(source), str(output)]) == 0
    written = pd.read_csv(output)
    assert len(written) == 5
    assert set(written["prediction"]) <= {"no", "yes"}
    np.testing.assert_allclose(written["probability_no"] + written["probability_yes"], 1.0)
    assert capsys.readouterr().out == f"predict: 5 rows of {source} -> {output}\n"


def test_a_label_column_may_be_given_empty_or_with_classes(project: Params, tmp_path: Path) -> None:
    frame = mini_frame(rows=4, seed=2)
    frame.loc[[0, 2], "label"] = None
    source = _rows(tmp_path, frame)
    output = tmp_path / "predictions.csv"
    predict.run(project, source, output)
    assert len(pd.read_csv(output)) == 4


def test_rows_that_break_the_contract_write_nothing(project: Params, tmp_path: Path) -> None:
    frame = mini_frame(rows=3, seed=2).drop(columns="label").astype({"age": object})
    frame.loc[1, "age"] = "old"
    output = tmp_path / "predictions.csv"
    with pytest.raises(ContractViolationError) as error:
        predict.run(project, _rows(tmp_path, frame), output)
    assert "column 'age' breaks rule dtype int in 1 row(s) (line 3: 'old')" in str(error.value)
    assert not output.exists()


def test_a_label_outside_the_classes_is_refused(project: Params, tmp_path: Path) -> None:
    frame = mini_frame(rows=3, seed=2).assign(label=["yes", "maybe", None])
    with pytest.raises(ContractViolationError) as error:
        predict.run(project, _rows(tmp_path, frame), tmp_path / "predictions.csv")
    assert "column 'label' breaks rule isin" in str(error.value)


class Other:
    classes_ = np.asarray(["cat", "dog"])


class Regressor:
    """A model without classes at all: one trained for a number."""


def test_a_model_of_other_classes_is_refused(project: Params) -> None:
    with pytest.raises(InputError) as error:
        predict.predictions(Other(), mini_frame(rows=2), _contract(project), 0.5)
    assert str(error.value) == (
        "model classes ['cat', 'dog'] are not the contract's ['no', 'yes'] "
        f"({project.data.contract}); retrain the model"
    )


def test_a_model_of_another_task_is_refused(project: Params) -> None:
    with pytest.raises(InputError) as error:
        predict.predictions(Regressor(), mini_frame(rows=2), _contract(project), 0.5)
    assert str(error.value) == (
        "the model predicts numbers, the contract's target 'label' is binary "
        f"({project.data.contract}); retrain the model"
    )


def test_training_data_still_needs_its_target(project: Params, tmp_path: Path) -> None:
    """Only predict reads unlabelled rows: every other reader requires the target."""
    source = _rows(tmp_path, mini_frame(rows=3).drop(columns="label"))
    with pytest.raises(ContractViolationError) as error:
        read_dataset(source, _contract(project))
    assert str(error.value).endswith("missing column 'label'")
