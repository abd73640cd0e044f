"""The train and evaluate stages on a small mixed-type dataset."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import (
    HistGradientBoostingConfig,
    Params,
    RandomForestConfig,
)
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import TargetRule, load_contract, read_dataset
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models import evaluate, train
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.models.metrics import Scores, metric_table

from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project


@pytest.fixture
def project(tmp_path: Path) -> Params:
    """A validated and split mini dataset in ``tmp_path``."""
    params = write_project(tmp_path)
    validate.run(params)
    return params


def test_train_then_evaluate_writes_one_model_metrics_and_plots(
    project: Params, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    train.run(project)
    assert capsys.readouterr().out == (
        f"train: linear on 45 rows x 4 features -> {project.train.model_path}\n"
    )
    evaluate.run(project)
    number = r"\d\.\d{4}"
    assert re.fullmatch(
        rf"evaluate: 15 test rows: accuracy {number}, roc_auc {number}, f1 {number}, "
        rf"precision {number}, recall {number}, brier {number}, "
        rf"privacy\.membership_auc {number} -> "
        rf"{re.escape(project.evaluate.metrics_path)}\n",
        capsys.readouterr().out,
    )
    pipeline = joblib.load(project.train.model_path)
    assert list(pipeline.named_steps) == ["features", "model"]
    # Feature columns come from the contract: the id column (feature: false) is left out.
    assert list(pipeline.feature_names_in_) == ["age", "height", "colour", "member"]
    metrics = json.loads(Path(project.evaluate.metrics_path).read_text(encoding="utf-8"))
    assert set(metrics) == {
        *("accuracy", "roc_auc", "f1", "precision", "recall", "brier"),
        "privacy.membership_auc",
    }
    assert all(0.0 <= value <= 1.0 for value in metrics.values())
    plots = Path(project.evaluate.plots_dir)
    assert sorted(path.name for path in plots.iterdir()) == [
        f"{name}.{suffix}"
        for name in ("calibration", "confusion", "roc")
        for suffix in ("csv", "png")
    ]
    assert (plots / "roc.png").read_bytes().startswith(b"\x89PNG")
    assert list(pd.read_csv(plots / "roc.csv").columns[:2]) == ["fpr", "tpr"]
    assert set(pd.read_csv(plots / "confusion.csv")["actual"]) <= {"no", "yes"}


@pytest.mark.parametrize(
    "settings",
    [
        {"model": "random_forest", "random_forest": RandomForestConfig(n_estimators=20)},
        {
            "model": "hist_gradient_boosting",
            "hist_gradient_boosting": HistGradientBoostingConfig(max_iter=20),
        },
    ],
    ids=["random_forest", "hist_gradient_boosting"],
)
def test_the_randomised_models_are_seeded(project: Params, settings: dict[str, Any]) -> None:
    """Two fits with the same seed give the same probabilities, bit for bit, and they
    learn: the training rows are ranked far better than chance."""
    model = dataclasses.replace(project, train=dataclasses.replace(project.train, **settings))
    contract = load_contract(project.data.contract, project.data.target)
    rows = read_dataset(project.data.train_path, contract)
    first = train.fit(rows, model, contract).predict_proba(rows[contract.feature_columns])
    second = train.fit(rows, model, contract).predict_proba(rows[contract.feature_columns])
    np.testing.assert_array_equal(first, second)
    # Serving, evaluation and the reports find the two halves by these names.
    pipeline = train.fit(rows, model, contract)
    assert [name for name, _ in pipeline.steps] == ["features", "model"]
    is_yes = (rows[contract.target.column] == "yes").to_numpy()
    assert first[is_yes, 1].mean() > first[~is_yes, 1].mean() + 0.2


def test_positive_probability_follows_the_contract_not_the_class_order(project: Params) -> None:
    """Probabilities are for the contract's positive class ("yes"), whichever column it is."""
    train.run(project)
    pipeline = joblib.load(project.train.model_path)
    contract = load_contract(project.data.contract, project.data.target)
    test = read_dataset(project.data.test_path, contract)
    probability = evaluate.positive_probability(pipeline, test[contract.feature_columns], contract)
    column = list(pipeline.classes_).index("yes")
    np.testing.assert_allclose(
        probability, pipeline.predict_proba(test[contract.feature_columns])[:, column]
    )


def test_metrics_of_known_predictions() -> None:
    probability = np.array([0.9, 0.4, 0.2, 0.6])
    scores = Scores(
        actual=pd.Series([1, 1, 0, 0]),
        predicted=pd.Series([1, 0, 0, 1]),
        probabilities=pd.DataFrame({0: 1 - probability, 1: probability}),
        target=TargetRule(column="target", task="binary", values=(0, 1), positive=1),
    )
    metrics = {metric.name: metric.compute(scores) for metric in metric_table(scores.target)}
    assert metrics["accuracy"] == 0.5
    assert metrics["precision"] == 0.5
    assert metrics["recall"] == 0.5
    assert metrics["roc_auc"] == 0.75
    assert metrics["brier"] == pytest.approx((0.01 + 0.36 + 0.04 + 0.36) / 4)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_features_contract_refuses_non_finite_values(bad: float) -> None:
    matrix = pd.DataFrame({"a": [0.0, 1.0, bad], "b": [1.0, 2.0, 3.0]}, index=[10, 11, 12])
    with pytest.raises(
        train.FeatureContractError, match=r"1 column\(s\) \['a'\] at row\(s\) \['12'\]"
    ):
        train.check_features(matrix)


def test_features_contract_finds_a_gap_in_a_nullable_float_column() -> None:
    """A transformer may hand back pandas' nullable Float64 beside NumPy floats."""
    matrix = pd.DataFrame(
        {"a": pd.array([0.5, None], dtype="Float64"), "b": [1.0, 2.0]}, index=[10, 11]
    )
    with pytest.raises(
        train.FeatureContractError, match=r"1 column\(s\) \['a'\] at row\(s\) \['11'\]"
    ):
        train.check_features(matrix)


def test_features_contract_refuses_non_float_columns_naming_their_dtypes() -> None:
    matrix = pd.DataFrame(
        {"a": [0.0, 1.0], "b": [1, 2], "c": [True, False], "d": [0.5, 1.5], "e": [3, 4]}
    )
    with pytest.raises(train.FeatureContractError) as error:
        train.check_features(matrix)
    assert str(error.value) == (
        "features: expected every preprocessed column to be float, found "
        "{'b': 'int64', 'c': 'bool', 'e': 'int64'}"
    )


def test_evaluate_without_a_model_says_what_to_run(project: Params) -> None:
    with pytest.raises(InputError, match="model not found; run `dvc repro train` first"):
        evaluate.run(project)


def test_train_reports_which_columns_the_correlation_filter_dropped_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit copy of a column is dropped; train names it, its kept partner and |r|."""
    frame = mini_frame()
    frame.insert(3, "height_cm", frame["height"] * 100 + 0.01)
    params = write_project(tmp_path, frame)
    contract = Path(params.data.contract)
    text = contract.read_text(encoding="utf-8")
    contract.write_text(
        text.replace("  colour:", "  height_cm: {dtype: float, nullable: true}\n  colour:"),
        encoding="utf-8",
    )
    validate.run(params)
    capsys.readouterr()
    train.run(params)
    out = capsys.readouterr().out
    assert (
        "train: correlation filter dropped 'height_cm': |r| = 1.000 with the kept column "
        "'height', above features.correlation.threshold 0.95"
    ) in out
    pipeline = joblib.load(params.train.model_path)
    assert train.correlation_drops(pipeline) == [("height_cm", "height", pytest.approx(1.0))]


def test_no_correlation_drops_when_the_filter_is_disabled(project: Params) -> None:
    features = dataclasses.replace(
        project.features,
        correlation=dataclasses.replace(project.features.correlation, enabled=False),
    )
    params = dataclasses.replace(project, features=features)
    contract = load_contract(params.data.contract, params.data.target)
    pipeline = train.fit(read_dataset(params.data.train_path, contract), params, contract)
    assert train.correlation_drops(pipeline) == []
    assert train.correlation_report(pipeline, params) == []


def test_no_correlation_drops_without_numeric_columns(tmp_path: Path) -> None:
    frame = mini_frame().drop(columns=["age", "height"])
    params = write_project(tmp_path, frame)
    contract_path = Path(params.data.contract)
    lines = contract_path.read_text(encoding="utf-8").splitlines(keepends=True)
    contract_path.write_text(
        "".join(line for line in lines if not line.startswith(("  age:", "  height:"))),
        encoding="utf-8",
    )
    validate.run(params)
    contract = load_contract(params.data.contract, params.data.target)
    assert contract.numeric_features == []
    pipeline = train.fit(read_dataset(params.data.train_path, contract), params, contract)
    assert train.correlation_drops(pipeline) == []


def test_a_nullable_bool_feature_with_an_empty_cell_trains_and_scores(tmp_path: Path) -> None:
    """read_dataset gives a bool column pandas' "boolean" dtype, whose gap is pd.NA: the
    model still trains and scores, the gap encoded as neither True nor False."""
    frame = mini_frame().astype({"member": object})
    frame.loc[[2, 5, 40], "member"] = None
    contract_text = CONTRACT.replace(
        "member: {dtype: bool}", "member: {dtype: bool, nullable: true}"
    )
    params = write_project(tmp_path, frame, contract_text)
    validate.run(params)
    contract = load_contract(params.data.contract, params.data.target)
    train_frame = read_dataset(params.data.train_path, contract)
    assert str(train_frame["member"].dtype) == "boolean"
    assert train_frame["member"].isna().any(), "the split kept no gap; pick other rows"
    pipeline = train.fit(train_frame, params, contract)
    gaps = train_frame[train_frame["member"].isna()].drop(columns=["label"])
    probabilities = pipeline.predict_proba(gaps)
    assert np.isfinite(probabilities).all()
    encoder = pipeline.named_steps["features"].named_transformers_["categorical"]
    member = encoder.get_feature_names_out().tolist().index("member_True")
    encoded = np.asarray(encoder.transform(gaps[list(encoder.feature_names_in_)]))
    assert encoded[:, member : member + 2].tolist() == [[0.0, 0.0]] * len(gaps)
    lean = LeanModel.from_pipeline(pipeline, contract, threshold=0.5)
    np.testing.assert_allclose(lean.predict_frame(gaps).probabilities, probabilities, atol=1e-12)
