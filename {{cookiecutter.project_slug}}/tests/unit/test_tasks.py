"""The same stages serve every task: validate, train, evaluate and predict on a binary, a
multiclass and a regression target of the mini data set, with every model.

Switching task is a contract change only: these tests rewrite the mini contract's
``target:`` and nothing else, then run the stages as ``dvc repro`` does.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import TargetRule, load_contract
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models import evaluate, predict, train
from {{ cookiecutter.package_name }}.models.metrics import (
    MEMBERSHIP_AUC,
    Metric,
    Scores,
    by_name,
    metric_table,
)

from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project

BINARY = 'target:\n  values: ["no", "yes"]\n  positive: "yes"\n'
# Not in sorted order: the contract's order is the order of predict's columns.
MULTICLASS = "target:\n  classes: [mid, young, old]\n"
REGRESSION = "target:\n  dtype: float\n  min: 0\n  max: 300\n"
TARGETS = {"binary": BINARY, "multiclass": MULTICLASS, "regression": REGRESSION}
MODELS = ("linear", "random_forest", "hist_gradient_boosting")


def labelled(task: str, rows: int = 120) -> pd.DataFrame:
    """The mini frame with a label of the task, learnable from age and height."""
    frame = mini_frame(rows=rows, seed=3)
    if task == "multiclass":
        bands = pd.cut(frame["age"], [0, 40, 65, 200], labels=["young", "mid", "old"])
        return frame.assign(label=bands.astype(str))
    if task == "regression":
        height = frame["height"].fillna(1.75)
        return frame.assign(label=(frame["age"] * 2 + (height - 1.4) * 50).round(2))
    return frame


def _train(folder: Path, task: str, model: str, extra: str) -> Params:
    text = CONTRACT.replace(BINARY, TARGETS[task]) + extra
    params = write_project(folder, labelled(task), text)
    params = dataclasses.replace(
        params,
        train=dataclasses.replace(params.train, model=model),  # type: ignore[arg-type]
    )
    validate.run(params)
    train.run(params)
    return params


Trainer = Callable[..., Params]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trainer:
    """A project trained once per (task, model, contract extra) in this module: training
    is the slow part, and no test changes a trained project's files."""
    projects: dict[tuple[str, str, str], Params] = {}

    def get(task: str, model: str = "linear", extra: str = "") -> Params:
        key = (task, model, extra)
        if key not in projects:
            projects[key] = _train(tmp_path_factory.mktemp(f"{task}-{model}"), *key)
        return projects[key]

    return get


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("task", sorted(TARGETS))
def test_every_model_serves_every_task(trained: Trainer, task: str, model: str) -> None:
    """The task's metrics of the saved model on the test split are not chance."""
    params = trained(task, model)
    contract = load_contract(params.data.contract, "label")
    test = pd.read_csv(params.data.test_path)
    scores = evaluate.score(_model(params), test, contract, 0.5)
    metrics = evaluate.metrics(evaluate.measure(scores, test, contract))
    quality = {"binary": "accuracy", "multiclass": "balanced_accuracy", "regression": "r2"}[task]
    assert metrics[quality] > 0.6, metrics


@pytest.mark.parametrize("task", sorted(TARGETS))
def test_evaluate_writes_the_metrics_of_the_task_in_the_tables_order(
    tmp_path: Path, task: str
) -> None:
    params = _train(tmp_path, task, "linear", "")
    evaluate.run(params)
    metrics = json.loads(Path(params.evaluate.metrics_path).read_text(encoding="utf-8"))
    contract = load_contract(params.data.contract, "label")
    table = [metric.name for metric in metric_table(contract.target)]
    assert list(metrics) == [*table, MEMBERSHIP_AUC.name]


def test_the_metric_tables_per_task() -> None:
    multiclass = TargetRule(column="y", task="multiclass", values=("b", "a", "c"))
    assert [metric.name for metric in metric_table(multiclass)] == [
        "accuracy",
        "balanced_accuracy",
        "macro_f1",
        "log_loss",
        "recall_b",
        "recall_a",
        "recall_c",
    ]
    positive = TargetRule(column="y", task="regression", minimum=1.0, maximum=9.0)
    assert [metric.name for metric in metric_table(positive)] == ["rmse", "mae", "r2", "mape"]
    signed = TargetRule(column="y", task="regression", minimum=0.0, maximum=9.0)
    assert [metric.name for metric in metric_table(signed)] == ["rmse", "mae", "r2"]
    directions = {metric.name: metric.direction for metric in metric_table(positive)}
    assert directions == {"rmse": "lower", "mae": "lower", "r2": "higher", "mape": "lower"}
    assert by_name(multiclass)["log_loss"].direction == "lower"


def test_multiclass_metrics_of_known_predictions() -> None:
    target = TargetRule(column="y", task="multiclass", values=("b", "a", "c"))
    actual = pd.Series(["a", "a", "b", "c"])
    predicted = pd.Series(["a", "b", "b", "b"])
    probabilities = pd.DataFrame(
        {"b": [0.2, 0.5, 0.8, 0.6], "a": [0.7, 0.4, 0.1, 0.2], "c": [0.1, 0.1, 0.1, 0.2]}
    )
    scores = Scores(actual, predicted, probabilities, target)
    found = {metric.name: metric.compute(scores) for metric in metric_table(target)}
    assert found["accuracy"] == 0.5
    assert found["recall_a"] == 0.5
    assert found["recall_b"] == 1.0
    assert found["recall_c"] == 0.0
    assert found["balanced_accuracy"] == pytest.approx(0.5)
    # F1: a = 2/3 (precision 1, recall 1/2), b = 1/2 (precision 1/3, recall 1), c = 0.
    assert found["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    # Log loss reads each row's probability of its own class, by name: a, a, b, c.
    assert found["log_loss"] == pytest.approx(-np.mean(np.log([0.7, 0.4, 0.8, 0.2])))


def test_regression_metrics_of_known_predictions() -> None:
    target = TargetRule(column="y", task="regression", minimum=1.0, maximum=100.0)
    scores = Scores(pd.Series([10.0, 20.0, 40.0]), pd.Series([12.0, 20.0, 37.0]), None, target)
    found = {metric.name: metric.compute(scores) for metric in metric_table(target)}
    assert found["rmse"] == pytest.approx(np.sqrt((4 + 0 + 9) / 3))
    assert found["mae"] == pytest.approx(5 / 3)
    assert found["r2"] == pytest.approx(1 - 13 / (((np.array([10, 20, 40]) - 70 / 3) ** 2).sum()))
    assert found["mape"] == pytest.approx((0.2 + 0 + 3 / 40) / 3)


def _model(params: Params) -> Any:
    return joblib.load(params.train.model_path)


def test_multiclass_predict_names_each_probability_column_by_its_class(trained: Trainer) -> None:
    """probability_<class> holds the model's probability of that class, in the contract's
    order (mid, young, old), whatever order the model keeps its classes in."""
    params = trained("multiclass")
    rows = labelled("multiclass").head(12)
    contract = load_contract(params.data.contract, "label")
    output = predict.predictions(_model(params), rows, contract, 0.5)
    assert list(output.columns) == [
        "id",
        "prediction",
        "probability_mid",
        "probability_young",
        "probability_old",
    ]
    model = _model(params)
    own = model.predict_proba(rows[contract.feature_columns])
    for label in ("mid", "young", "old"):
        index = list(model.classes_).index(label)
        np.testing.assert_allclose(output[f"probability_{label}"], own[:, index])
    assert output["prediction"].tolist() == model.predict(rows[contract.feature_columns]).tolist()


def test_regression_predict_writes_the_number_and_no_probability(trained: Trainer) -> None:
    params = trained("regression")
    rows = labelled("regression").head(12)
    contract = load_contract(params.data.contract, "label")
    output = predict.predictions(_model(params), rows, contract, 0.5)
    assert list(output.columns) == ["id", "prediction"]
    expected = _model(params).predict(rows[contract.feature_columns])
    np.testing.assert_allclose(output["prediction"].to_numpy(dtype=float), expected)


def test_a_classifier_is_refused_for_a_regression_contract(
    trained: Trainer, tmp_path: Path
) -> None:
    params = trained("binary")
    contract_path = tmp_path / "regression.yaml"
    contract_path.write_text(CONTRACT.replace(BINARY, REGRESSION), encoding="utf-8")
    contract = load_contract(contract_path, "label")
    with pytest.raises(InputError) as error:
        evaluate.decide(_model(params), labelled("binary").head(3), contract, 0.5)
    assert str(error.value) == (
        "the model predicts classes, the contract's target 'label' is regression "
        f"({contract_path}); retrain the model"
    )


def test_every_metric_is_reported_per_slice_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """accuracy[colour=red] is accuracy over the red test rows, and so on for each value."""
    params = _train(tmp_path, "binary", "linear", "slices: [colour]\n")
    capsys.readouterr()
    evaluate.run(params)
    metrics = json.loads(Path(params.evaluate.metrics_path).read_text(encoding="utf-8"))
    overall = len(metric_table(load_contract(params.data.contract, "label").target)) + 1
    sliced = len(metrics) - overall  # + 1: the privacy audit's
    assert sliced > 0
    out = capsys.readouterr().out
    assert out.startswith("evaluate: "), out
    assert " test rows: accuracy " in out, out
    assert f"; {sliced} more per value of slice column(s) ['colour'] ->" in out
    contract = load_contract(params.data.contract, "label")
    test = pd.read_csv(params.data.test_path)
    scores = evaluate.score(_model(params), test, contract, 0.5)
    table = metric_table(contract.target)
    for colour in ("blue", "green", "red"):
        mask = (test["colour"] == colour).to_numpy()
        if mask.sum() < evaluate.MIN_SLICE_ROWS:
            assert not any(name.endswith(f"[colour={colour}]") for name in metrics)
            continue
        part = scores.subset(mask)
        assert metrics[f"accuracy[colour={colour}]"] == pytest.approx(table[0].compute(part)), (
            colour
        )
    overall = [name for name in metrics if "[" not in name]
    assert overall == [*(metric.name for metric in table), MEMBERSHIP_AUC.name]


def test_a_slice_value_with_too_few_rows_and_an_undefined_metric_are_left_out() -> None:
    target = TargetRule(column="y", task="binary", values=(0, 1), positive=1)
    rows = 24
    actual = pd.Series([1] * 12 + [0, 1] * 6)
    probability = np.linspace(0.1, 0.9, rows)
    scores = Scores(
        actual,
        pd.Series((probability >= 0.5).astype(int)),
        pd.DataFrame({0: 1 - probability, 1: probability}),
        target,
    )
    # south: exactly MIN_SLICE_ROWS rows (kept); east: 1 row (left out); one row unknown.
    frame = pd.DataFrame({"region": ["north"] * 12 + ["south"] * 10 + ["east", None]})
    contract = dataclasses.replace(_contract_of(target), slices=("region",))
    names = [item.name for item in evaluate.measure(scores, frame, contract)]
    # north holds one class only: ROC AUC is undefined there.
    assert "roc_auc[region=north]" not in names
    assert "accuracy[region=north]" in names
    assert not any("region=east" in name for name in names)  # 1 row < MIN_SLICE_ROWS
    assert "accuracy[region=south]" in names
    assert not any("region=None" in name or "region=<NA>" in name for name in names)


def _contract_of(target: TargetRule) -> Any:
    from {{ cookiecutter.package_name }}.data.contract import ColumnRule, Contract

    return Contract(
        name="slices",
        path=Path("slices.yaml"),
        description="",
        target=target,
        columns=(ColumnRule(name="region", dtype="category", categories=("north", "south")),),
    )


def test_a_number_target_is_split_over_its_quantile_bins() -> None:
    """Each fifth of the target's range keeps a quarter of its rows in the test split."""
    frame = pd.DataFrame({"x": range(100), "y": np.arange(100.0) ** 2})
    train_rows, test_rows = validate.split(frame, "y", 0.2, seed=0, number=True)
    assert (len(train_rows), len(test_rows)) == (80, 20)
    bins = pd.qcut(frame["y"], 5, labels=False)
    assert bins[test_rows.index].value_counts().tolist() == [4] * 5
    again, _ = validate.split(frame, "y", 0.2, seed=0, number=True)
    assert again.index.equals(train_rows.index)


def test_a_number_target_needs_two_rows_on_each_side() -> None:
    frame = pd.DataFrame({"x": range(3), "y": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError) as error:
        validate.split(frame, "y", 0.5, seed=0, source="rows.csv", number=True)
    assert str(error.value) == (
        "rows.csv: target 'y': a split needs at least 4 labelled rows (2 on each side); found 3"
    )


def test_multiclass_metrics_count_a_class_absent_from_the_slice() -> None:
    """A class of the contract with no row and no prediction still counts in macro F1
    (as 0, quietly), log loss reads all three columns, and its recall is undefined."""
    target = TargetRule(column="y", task="multiclass", values=("b", "a", "c"))
    probabilities = pd.DataFrame({"b": [0.6, 0.3], "a": [0.3, 0.6], "c": [0.1, 0.1]})
    scores = Scores(pd.Series(["b", "a"]), pd.Series(["b", "a"]), probabilities, target)
    table = by_name(target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert table["macro_f1"].compute(scores) == pytest.approx(2 / 3)
        assert table["log_loss"].compute(scores) == pytest.approx(-np.log(0.6))
    assert np.isnan(table["recall_c"].compute(scores))
    assert table["recall_a"].compute(scores) == 1.0
    per_class = [table[f"recall_{label}"] for label in ("b", "a", "c")]
    assert {(metric.direction, metric.tolerance) for metric in per_class} == {("higher", 0.05)}


def test_a_starting_tolerance_is_absolute_or_a_share_of_the_golden_value() -> None:
    regression = by_name(TargetRule(column="y", task="regression", minimum=1.0, maximum=9.0))
    assert regression["rmse"].starting_tolerance(-50.0) == 1.0  # 2% of |value|
    assert regression["rmse"].starting_tolerance(1 / 3) == 0.006667  # rounded to 6 places
    assert regression["r2"].starting_tolerance(0.5) == 0.02  # absolute


def test_a_regression_slice_has_no_probabilities() -> None:
    target = TargetRule(column="y", task="regression", minimum=0.0, maximum=9.0)
    scores = Scores(pd.Series([1.0, 2.0, 3.0]), pd.Series([1.5, 2.0, 2.0]), None, target)
    part = scores.subset(np.array([True, False, True]))
    assert part.probabilities is None
    assert part.actual.tolist() == [1.0, 3.0]
    assert part.predicted.tolist() == [1.5, 2.0]


def _warns(scores: Scores) -> float:
    warnings.warn("a warning the metric's reader must see", UserWarning, stacklevel=1)
    return 0.5


def _raises(scores: Scores) -> float:
    raise ValueError("undefined here")


def test_measuring_skips_an_undefined_metric_and_keeps_the_rest() -> None:
    """Only an undefined metric is left out: the metrics after it are measured, each with
    its slice's row count, and a warning other than scikit-learn's 'undefined' shows."""
    target = TargetRule(column="y", task="regression", minimum=0.0, maximum=9.0)
    scores = Scores(pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 2.0, 2.0]), None, target)
    table = (
        Metric("undefined", "lower", 0.1, _raises),
        Metric("loud", "lower", 0.1, _warns),
        *metric_table(target),
    )
    with pytest.warns(UserWarning, match="a warning the metric's reader must see"):
        measured = evaluate._measure(scores, table, ("region", "north"))
    assert [item.name for item in measured] == [
        "loud[region=north]",
        "rmse[region=north]",
        "mae[region=north]",
        "r2[region=north]",
    ]
    assert {item.rows for item in measured} == {3}
