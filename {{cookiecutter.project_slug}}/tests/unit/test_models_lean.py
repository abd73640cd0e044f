"""The lean path agrees with the scikit-learn pipeline it was exported from.

Agreement is to 1e-6 (absolute) on every probability or predicted number, and exactly on
the predicted classes: on the golden rows of this project's example for every model,
and on a small mixed dataset (a number with gaps, a near copy of it for the
correlation filter, a category with missing and unseen values, a bool and a date with
gaps) for every task, model and feature option. Then the files: a round trip
predicts identically, and a tampered or pickled export is refused, naming the key.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import (
    FeaturesConfig,
    HistGradientBoostingConfig,
    Params,
    RandomForestConfig,
)
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    load_contract,
    read_dataset,
    target_labels,
)
from {{ cookiecutter.package_name }}.models import train
from {{ cookiecutter.package_name }}.models.evaluate import decide
from {{ cookiecutter.package_name }}.models.lean import (
    ARRAYS_FILE,
    JSON_FILE,
    LeanModel,
    LeanModelError,
    LeanPrediction,
)

from tests.golden.reference import reference
from tests.unit.mini_dataset import mini_frame

GOLDEN_INPUTS = Path(__file__).parents[1] / "golden" / "inputs.csv"
TOLERANCE = 1e-6
MODELS = ("linear", "random_forest", "hist_gradient_boosting")


def small(params: Params, model: Any) -> Params:
    """``params`` with ``model`` chosen, its trees few, so the tests stay fast."""
    return dataclasses.replace(
        params,
        train=dataclasses.replace(
            params.train,
            model=model,
            random_forest=RandomForestConfig(n_estimators=20, max_depth=None),
            hist_gradient_boosting=dataclasses.replace(
                HistGradientBoostingConfig(), max_iter=20, max_leaf_nodes=15
            ),
        ),
    )


def records_of(frame: pd.DataFrame, contract: Contract) -> list[dict[str, Any]]:
    """The rows as serving receives them: numbers, text, bools, ISO dates, or None."""
    kinds = {rule.name: rule.dtype for rule in contract.columns}
    converters: dict[str, Callable[[Any], Any]] = {
        "float": float,
        "int": int,
        "category": str,
        "bool": bool,
        "datetime": lambda moment: moment.isoformat(),
    }
    return [
        {
            str(column): None if pd.isna(value) else converters[kinds[str(column)]](value)
            for column, value in row.items()
        }
        for row in frame[contract.feature_columns].to_dict("records")
    ]


def exported(pipeline: Any, contract: Contract, threshold: float = 0.5) -> LeanModel:
    """The pipeline exported and loaded back from its files, as serving would."""
    return LeanModel.from_files(LeanModel.from_pipeline(pipeline, contract, threshold).to_files())


def assert_agrees(
    pipeline: Any, frame: pd.DataFrame, contract: Contract, threshold: float = 0.5
) -> LeanPrediction:
    """Lean on the frame and on its records against ``decide`` of scikit-learn."""
    lean = exported(pipeline, contract, threshold)
    predicted, probabilities = decide(
        pipeline, frame[contract.feature_columns], contract, threshold
    )
    from_frame = lean.predict_frame(frame)
    from_records = lean.predict_records(records_of(frame, contract))
    for found in (from_frame, from_records):
        if probabilities is None:
            assert found.probabilities is None
            np.testing.assert_allclose(found.predicted, predicted, rtol=0, atol=TOLERANCE)
        else:
            assert found.probabilities is not None
            np.testing.assert_allclose(
                found.probabilities, probabilities.to_numpy(), rtol=0, atol=TOLERANCE
            )
            assert found.predicted == predicted.tolist()
    # The two ways in build the same matrices: the same answers, bit for bit.
    assert from_frame.predicted == from_records.predicted
    if from_frame.probabilities is not None:
        np.testing.assert_array_equal(from_frame.probabilities, from_records.probabilities)
    return from_frame


# ------------------------------------------------------- the golden rows of the example


@functools.cache
def golden_pipeline(model: str) -> Any:
    """The reference model itself for "linear", else one trained on its rows."""
    trained = reference()
    if model == trained.params.train.model:
        return trained.pipeline
    return train.fit(trained.train, small(trained.params, model), trained.contract)


@pytest.mark.parametrize("model", MODELS)
def test_lean_agrees_with_scikit_learn_on_the_golden_rows(model: str) -> None:
    contract = reference().contract
    inputs = read_dataset(GOLDEN_INPUTS, contract)
    assert_agrees(golden_pipeline(model), inputs, contract)


@pytest.mark.parametrize("model", MODELS)
def test_lean_agrees_with_scikit_learn_on_the_test_rows(model: str) -> None:
    trained = reference()
    assert_agrees(golden_pipeline(model), trained.test, trained.contract)


# ----------------------------------------------------------------- a mixed mini dataset

COLUMNS = """\
columns:
  id: {dtype: int, unique: true, feature: false}
  age: {dtype: AGE, min: 0, max: 120}
  height: {dtype: float, min: 0.5, max: 2.5, nullable: true}
  height_cm: {dtype: float, nullable: true}
  colour: {dtype: category, categories: [red, green, blue], nullable: true}
  member: {dtype: bool}
  joined: {dtype: datetime, nullable: true}
"""
# The contract lists the classes in an order other than the sorted one the model keeps.
TARGETS = {
    "binary": 'target:\n  values: ["yes", "no"]\n  positive: "yes"\n',
    "multiclass": "target:\n  classes: [mid, low, high]\n",
    "regression": "target:\n  dtype: float\n  min: -1000\n  max: 1000\n",
}


def lean_frame(task: str, rows: int = 90) -> pd.DataFrame:
    """``mini_frame``'s rows with gaps in colour and a date, a near copy of height
    (which the correlation filter drops) and a date; the label fits ``task``."""
    frame = mini_frame(rows=rows).drop(columns="label")
    generator = np.random.default_rng(1)
    frame["height_cm"] = frame["height"] * 100 + generator.normal(0, 0.01, rows)
    frame.loc[::7, "colour"] = None
    start = pd.Timestamp("1999-12-25")
    joined = start + pd.to_timedelta(generator.integers(0, 9000 * 24 * 60, rows), unit="min")
    frame["joined"] = pd.Series(joined).where(np.arange(rows) % 8 != 5)
    score = (frame["age"] - 50) / 20 + frame["height"].fillna(1.75) * 2 + frame["member"].eq(True)
    noisy = score + generator.normal(0, 0.5, rows)
    if task == "binary":
        frame["label"] = np.where(noisy > noisy.median(), "yes", "no")
    elif task == "multiclass":
        frame["label"] = pd.qcut(noisy, 3, labels=["low", "mid", "high"]).astype(str)
    else:
        frame["label"] = noisy * 10
    return frame


@functools.cache
def mini(task: str, age: str = "int") -> tuple[Contract, pd.DataFrame]:
    """The contract and the validated frame of ``lean_frame(task)``; ``age`` is the
    contract's dtype of the age column."""
    folder = Path(tempfile.mkdtemp(prefix="lean-"))
    contract_path = folder / "contract.yaml"
    columns = COLUMNS.replace("AGE", age)
    contract_path.write_text(
        f"name: lean\ndescription: mixed columns\n{TARGETS[task]}{columns}", encoding="utf-8"
    )
    lean_frame(task).to_csv(folder / "data.csv", index=False)
    contract = load_contract(contract_path, "label")
    return contract, read_dataset(folder / "data.csv", contract)


def fit_mini(task: str, model: str = "linear", age: str = "int", **sections: Any) -> Any:
    """A pipeline fitted on the mini rows without a blue colour (blue is then unseen),
    with ``sections`` of ``features:`` replaced."""
    contract, frame = mini(task, age)
    features = dataclasses.replace(FeaturesConfig(), **sections)
    params = dataclasses.replace(small(Params(), model), features=features)
    return train.fit(frame[frame["colour"] != "blue"], params, contract)


def section(name: str, **values: Any) -> Any:
    return dataclasses.replace(getattr(FeaturesConfig(), name), **values)


OPTIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "polynomial": {"nonlinear": section("nonlinear", method="polynomial", degree=2)},
    "linear spline pieces": {"nonlinear": section("nonlinear", degree=1, n_knots=3)},
    "standard scaling, mean imputation": {
        "scaling": section("scaling", method="standard"),
        "imputation": section("imputation", strategy="mean"),
    },
    "no clipping": {"outliers": section("outliers", enabled=False)},
    "no scaling": {"scaling": section("scaling", enabled=False)},
    "no correlation filter": {"correlation": section("correlation", enabled=False)},
    "no expansion": {"nonlinear": section("nonlinear", enabled=False)},
    "one category kept, every calendar part": {
        "encoding": section("encoding", max_categories=1),
        "calendar": section(
            "calendar", parts=("minute", "hour", "day_of_year", "day_of_week", "month", "year")
        ),
    },
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # unscaled
@pytest.mark.parametrize("task", sorted(TARGETS))
@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_every_feature_option_agrees_for_a_linear_model(task: str, option: str) -> None:
    contract, frame = mini(task)
    assert_agrees(fit_mini(task, **OPTIONS[option]), frame, contract)


@pytest.mark.parametrize("method", ["spline", "polynomial"])
def test_values_beyond_the_training_range_agree(method: str) -> None:
    """Without clipping, extreme values reach the expansion: splines stay constant
    beyond the range they were fitted on, polynomials grow."""
    contract, frame = mini("regression")
    pipeline = fit_mini(
        "regression",
        outliers=section("outliers", enabled=False),
        nonlinear=section("nonlinear", method=method, degree=2),
    )
    extreme = frame.head(6).assign(
        age=[0, 120, 0, 120, 60, 60], height=[0.5, 2.5, 2.5, 0.5, np.nan, 2.5]
    )
    assert_agrees(pipeline, extreme, contract)
    lean = exported(pipeline, contract)
    further = extreme.assign(  # each extreme pushed further out
        age=extreme["age"].mask(extreme["age"] == 0, -500).mask(extreme["age"] == 120, 500),
        height=extreme["height"].mask(extreme["height"] == 0.5, -9).mask(extreme["height"] > 2, 9),
    )
    same = np.isclose(lean.predict_frame(further).predicted, lean.predict_frame(extreme).predicted)
    assert same.all() == (method == "spline")


@pytest.mark.parametrize("task", sorted(TARGETS))
@pytest.mark.parametrize("model", ["random_forest", "hist_gradient_boosting"])
def test_trees_agree_with_and_without_imputation(task: str, model: str) -> None:
    """Without imputation NaN reaches the trees: each node's missing branch decides. With
    every numeric step off (the columns must be floats then) the branch is passthrough."""
    contract, frame = mini(task)
    assert_agrees(fit_mini(task, model), frame, contract)
    untreated = {
        name: section(name, enabled=False)
        for name in ("imputation", "outliers", "scaling", "correlation", "nonlinear")
    }
    contract, frame = mini(task, "float")
    params = dataclasses.replace(small(Params(), model), features=FeaturesConfig(**untreated))
    # train.fit would refuse the NaN features; the model itself takes them.
    pipeline = train.build_pipeline(params, contract)
    pipeline.fit(frame[contract.feature_columns], target_labels(frame["label"], contract))
    assert pipeline.named_steps["features"].transformers[0][1] == "passthrough"
    assert frame["height"].isna().any()
    assert_agrees(pipeline, frame, contract)


def test_the_mini_rows_reach_every_case_the_encoders_have() -> None:
    """The agreement above is only worth what the rows exercise."""
    _, frame = mini("binary")
    pipeline = fit_mini("binary")
    numeric = pipeline.named_steps["features"].named_transformers_["numeric"]
    assert numeric.named_steps["decorrelate"].dropped_features_.tolist() == ["height_cm"]
    encoder = pipeline.named_steps["features"].named_transformers_["categorical"]
    assert "blue" not in encoder.categories_[0].tolist()
    assert (frame["colour"] == "blue").any()
    assert frame["colour"].isna().any()
    assert frame["joined"].isna().any()


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
def test_binary_decisions_follow_the_threshold(threshold: float) -> None:
    contract, frame = mini("binary")
    found = assert_agrees(fit_mini("binary"), frame, contract, threshold)
    assert found.probabilities is not None
    expected = np.where(found.probabilities[:, 0] >= threshold, "yes", "no")
    assert found.predicted == expected.tolist()
    assert len(set(found.predicted)) == 2


def test_probability_columns_follow_the_contracts_order() -> None:
    """The contract lists mid, low, high; the model keeps high, low, mid."""
    contract, frame = mini("multiclass")
    pipeline = fit_mini("multiclass")
    assert pipeline.classes_.tolist() == ["high", "low", "mid"]
    found = exported(pipeline, contract).predict_frame(frame)
    assert found.probabilities is not None
    expected = pipeline.predict_proba(frame[contract.feature_columns])[:, [2, 1, 0]]
    np.testing.assert_allclose(found.probabilities, expected, rtol=0, atol=TOLERANCE)
    assert found.predicted == pipeline.predict(frame[contract.feature_columns]).tolist()


# ---------------------------------------------------------------------------- records


@pytest.mark.parametrize("task", sorted(TARGETS))
@pytest.mark.parametrize("model", MODELS)
def test_no_records_give_no_predictions(task: str, model: str) -> None:
    contract, _ = mini(task)
    found = exported(fit_mini(task, model), contract).predict_records([])
    assert found.predicted == []
    if task == "regression":
        assert found.probabilities is None
    else:
        assert found.probabilities is not None
        assert found.probabilities.shape == (0, len(contract.target.classes))


def test_a_date_with_an_offset_is_read_in_utc() -> None:
    contract, frame = mini("regression")
    lean = exported(fit_mini("regression"), contract)
    record = records_of(frame.head(1), contract)[0]
    shifted = lean.predict_records([{**record, "joined": "2024-03-01T12:30:00+02:00"}])
    plain = lean.predict_records([{**record, "joined": "2024-03-01T10:30:00"}])
    other = lean.predict_records([{**record, "joined": "2024-03-01T12:30:00"}])
    assert shifted.predicted == plain.predicted != other.predicted


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"age": float("inf")}, "column 'age' holds inf at row 0"),
        ({"age": "old"}, "column 'age' holds 'old' at row 0; expected a number or None"),
        ({"joined": "last week"}, "column 'joined': expected an ISO-8601 date"),
    ],
)
def test_bad_record_values_are_refused(change: dict[str, Any], message: str) -> None:
    contract, frame = mini("binary")
    record = records_of(frame.head(1), contract)[0]
    with pytest.raises(LeanModelError, match=message):
        exported(fit_mini("binary"), contract).predict_records([{**record, **change}])


def test_a_record_without_a_feature_is_refused_naming_it() -> None:
    contract, frame = mini("binary")
    record = records_of(frame.head(1), contract)[0]
    del record["colour"]
    with pytest.raises(LeanModelError, match="without the feature column 'colour'"):
        exported(fit_mini("binary"), contract).predict_records([record])


def test_nan_where_scikit_learn_refuses_it_is_refused() -> None:
    """A linear model without imputation cannot take a gap: an error, not a number."""
    contract, frame = mini("regression")
    complete = frame[frame[["height", "height_cm", "joined"]].notna().all(axis=1)]
    params = dataclasses.replace(
        Params(), features=FeaturesConfig(imputation=section("imputation", enabled=False))
    )
    pipeline = train.fit(complete, params, contract)
    lean = exported(pipeline, contract)
    record = records_of(complete.head(1), contract)[0]
    with pytest.raises(LeanModelError, match="spline expansion: NaN at row 0"):
        lean.predict_records([{**record, "height": None}])
    gap = complete.head(1).assign(height=np.nan)
    with pytest.raises(ValueError, match="column 'height' contains NaN at row 0"):
        pipeline.predict(gap[contract.feature_columns])


# ------------------------------------------------------------------------------ files


def files_of(task: str = "binary", model: str = "linear") -> dict[str, bytes]:
    contract, _ = mini(task)
    return LeanModel.from_pipeline(fit_mini(task, model), contract, 0.5).to_files()


def tampered(
    document: Callable[[dict[str, Any]], None] | None = None,
    arrays: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, bytes]:
    files = files_of()
    parsed = json.loads(files[JSON_FILE])
    with np.load(io.BytesIO(files[ARRAYS_FILE])) as archive:
        loaded = {key: archive[key] for key in archive.files}
    if document is not None:
        document(parsed)
    if arrays is not None:
        arrays(loaded)
    buffer = io.BytesIO()
    np.savez(buffer, **loaded)
    return {JSON_FILE: json.dumps(parsed).encode(), ARRAYS_FILE: buffer.getvalue()}


@pytest.mark.parametrize("task", sorted(TARGETS))
@pytest.mark.parametrize("model", MODELS)
def test_a_round_trip_through_the_files_predicts_identically(task: str, model: str) -> None:
    contract, frame = mini(task)
    original = LeanModel.from_pipeline(fit_mini(task, model), contract, 0.5)
    files = original.to_files()
    assert set(files) == {JSON_FILE, ARRAYS_FILE}
    loaded = LeanModel.from_files(files)
    first, again = original.predict_frame(frame), loaded.predict_frame(frame)
    assert first.predicted == again.predicted
    np.testing.assert_array_equal(first.probabilities, again.probabilities)
    assert loaded.to_files() == files
    assert (loaded.task, loaded.classes) == (contract.target.task, contract.target.classes)
    assert loaded.feature_columns == contract.feature_columns


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda mapping: mapping.__setitem__(key, value)


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda mapping: mapping.pop(key)


def _first_step(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda document: change(document["branches"][0]["steps"][0])


STATISTICS = "branches[0].steps[0].statistics"
CENTER = "branches[0].steps[2].center"


@pytest.mark.parametrize(
    ("document", "arrays", "message"),
    [
        (_set("format_version", 2), None, "lean.json: key 'format_version': expected"),
        (_drop("feature_columns"), None, "lean.json: key 'feature_columns' is missing"),
        (_set("threshold", "high"), None, "lean.json: key 'threshold': expected int or float"),
        (
            _first_step(_set("kind", "scaler")),
            None,
            r"key 'branches\[0\]\.steps\[0\]\.kind': expected one of",
        ),
        (_set("task", "ranking"), None, "key 'task': expected binary, multiclass or regression"),
        (_set("positive", "maybe"), None, "key 'positive': expected one of the two classes"),
        (_set("classes", ["yes", "yes"]), None, "key 'classes': expected two or more distinct"),
        (_set("threshold", float("nan")), None, "lean.json: NaN is not a JSON number"),
        (
            lambda document: document["model"].__setitem__("kind", "ridge"),
            None,
            "key 'model.kind': ridge does not fit the task binary",
        ),
        (
            lambda document: document["branches"][1].__setitem__("categories", [["red"]]),
            None,
            re.escape("key 'branches[1].categories': expected a list of categories for each"),
        ),
        (
            lambda document: document["branches"][2].__setitem__("parts", ["week"]),
            None,
            re.escape("key 'branches[2].parts': expected parts from"),
        ),
        (None, _drop("model.coef"), "lean.npz: array 'model.coef' is missing"),
        (
            None,
            lambda arrays: arrays.__setitem__(STATISTICS, arrays[STATISTICS][:1]),
            re.escape(f"lean.npz: array '{STATISTICS}': expected shape (3), found (1,)"),
        ),
        (
            None,
            lambda arrays: arrays[CENTER].__setitem__(0, np.nan),
            re.escape(f"lean.npz: array '{CENTER}': expected finite numbers"),
        ),
        (
            None,
            lambda arrays: arrays.__setitem__("model.class_order", np.array([0.0, 1.0])),
            "array 'model.class_order': expected dtype kind 'i'",
        ),
        (
            None,
            _set("extra", np.zeros(2)),
            r"lean.npz: arrays \['extra'\] belong to no step",
        ),
        (
            None,
            _set("model.coef", np.array([{"run": "code"}], dtype=object)),
            "lean.npz: array 'model.coef' cannot be read without pickle",
        ),
    ],
)
def test_a_tampered_export_is_refused_naming_the_key(
    document: Callable[[dict[str, Any]], None] | None,
    arrays: Callable[[dict[str, Any]], None] | None,
    message: str,
) -> None:
    with pytest.raises(LeanModelError, match=message):
        LeanModel.from_files(tampered(document, arrays))


def test_missing_or_unreadable_files_are_refused() -> None:
    files = files_of()
    with pytest.raises(LeanModelError, match=re.escape("lean.npz is missing")):
        LeanModel.from_files({JSON_FILE: files[JSON_FILE]})
    with pytest.raises(LeanModelError, match=re.escape("lean.json: not JSON")):
        LeanModel.from_files({**files, JSON_FILE: b"{"})
    with pytest.raises(LeanModelError, match=re.escape("lean.npz: not an npz archive")):
        LeanModel.from_files({**files, ARRAYS_FILE: b"PK not a zip"})


# --------------------------------------------------------------------- what is refused


def test_an_unsupported_step_is_refused_naming_it() -> None:
    from sklearn.preprocessing import StandardScaler

    contract, _ = mini("binary")
    pipeline = fit_mini("binary")
    numeric = pipeline.named_steps["features"].named_transformers_["numeric"]
    numeric.steps[2] = ("scale", StandardScaler())
    with pytest.raises(LeanModelError, match=r"step 'numeric/scale' \(StandardScaler\)"):
        LeanModel.from_pipeline(pipeline, contract, 0.5)


def test_an_unsupported_spline_option_is_refused_naming_it() -> None:
    contract, _ = mini("binary")
    pipeline = fit_mini("binary")
    numeric = pipeline.named_steps["features"].named_transformers_["numeric"]
    numeric.named_steps["expand"].expander_.extrapolation = "linear"
    with pytest.raises(LeanModelError, match="SplineTransformer extrapolation='linear'"):
        LeanModel.from_pipeline(pipeline, contract, 0.5)


def test_a_model_that_does_not_fit_the_contract_is_refused() -> None:
    binary, _ = mini("binary")
    multiclass, _ = mini("multiclass")
    regression, _ = mini("regression")
    with pytest.raises(
        LeanModelError, match=r"model classes \['no', 'yes'\] are not the contract's"
    ):
        LeanModel.from_pipeline(fit_mini("binary"), multiclass, 0.5)
    with pytest.raises(LeanModelError, match="does not fit the contract's regression target"):
        LeanModel.from_pipeline(fit_mini("binary"), regression, 0.5)
    with pytest.raises(LeanModelError, match="does not fit the contract's binary target"):
        LeanModel.from_pipeline(fit_mini("regression"), binary, 0.5)


def test_an_unsupported_boosting_loss_is_refused_naming_it() -> None:
    contract, frame = mini("regression")
    pipeline = fit_mini("regression", "hist_gradient_boosting")
    pipeline.named_steps["model"].set_params(loss="absolute_error")
    pipeline.fit(frame[contract.feature_columns], frame["label"])
    with pytest.raises(LeanModelError, match=r"loss is not supported \(found 'AbsoluteError'\)"):
        LeanModel.from_pipeline(pipeline, contract, 0.5)


def test_an_unsupported_model_is_refused_naming_it() -> None:
    from sklearn.linear_model import LinearRegression

    contract, frame = mini("regression")
    pipeline = fit_mini("regression")
    features = pipeline.named_steps["features"]
    pipeline.steps[1] = ("model", LinearRegression().fit(features.transform(frame), frame["label"]))
    with pytest.raises(
        LeanModelError, match=r"model is not supported \(found 'LinearRegression'\)"
    ):
        LeanModel.from_pipeline(pipeline, contract, 0.5)
