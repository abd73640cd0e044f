"""``build_preprocessor``: the contract training and serving rely on.

Two shapes of real data: the breast-cancer set (30 numeric columns, no gaps, several
near-duplicate columns) and a penguins-like frame (numeric gaps plus text categories,
one of them missing and one unseen at prediction time).
"""

from __future__ import annotations

import dataclasses
import re

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import FeaturesConfig, NonLinearConfig
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.features import transformers
from {{ cookiecutter.package_name }}.features.pipeline import (
    STEPS,
    branch_steps,
    build_preprocessor,
    numeric_steps,
)

ALL_DISABLED = FeaturesConfig(
    **{
        field.name: dataclasses.replace(getattr(FeaturesConfig(), field.name), enabled=False)
        for field in dataclasses.fields(FeaturesConfig)
    }
)


@pytest.fixture(scope="module")
def breast_cancer() -> tuple[pd.DataFrame, pd.Series]:
    features, target = load_breast_cancer(return_X_y=True, as_frame=True)
    return features, target


def penguins() -> pd.DataFrame:
    """A small frame shaped like palmerpenguins: numeric gaps and text categories."""
    rng = np.random.default_rng(0)
    rows = 60
    frame = pd.DataFrame(
        {
            "bill_length_mm": rng.normal(44, 5, rows),
            "bill_depth_mm": rng.normal(17, 2, rows),
            "flipper_length_mm": rng.normal(200, 14, rows),
            "body_mass_g": rng.normal(4200, 800, rows),
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], rows),
            "sex": rng.choice(["female", "male"], rows),
        }
    )
    frame.loc[[3, 10, 41], "bill_length_mm"] = np.nan
    frame.loc[[3, 17], "body_mass_g"] = np.nan
    frame.loc[[5, 22], "sex"] = None
    return frame


PENGUIN_NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
PENGUIN_CATEGORICAL = ["island", "sex"]


def test_breast_cancer_default_config_trains_and_round_trips(breast_cancer, tmp_path):
    features, target = breast_cancer
    preprocessor = build_preprocessor(FeaturesConfig(), list(features.columns), [])
    model = Pipeline(
        [("features", preprocessor), ("model", LogisticRegression(max_iter=2000))]
    ).fit(features, target)

    treated = model.named_steps["features"].transform(features)
    assert isinstance(treated, pd.DataFrame)
    assert treated.index.equals(features.index)
    assert np.isfinite(treated.to_numpy()).all()
    assert all(name.split("_spline")[0] in features.columns for name in treated.columns)
    dropped = model.named_steps["features"].named_transformers_["numeric"]["decorrelate"]
    assert len(dropped.dropped_features_) > 0, "breast cancer has near-duplicate columns"
    assert model.score(features, target) > 0.9

    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    reloaded = joblib.load(path)
    np.testing.assert_array_equal(reloaded.predict(features), model.predict(features))


def test_penguins_numeric_gaps_and_categories(tmp_path):
    frame = penguins()
    preprocessor = build_preprocessor(FeaturesConfig(), PENGUIN_NUMERIC, PENGUIN_CATEGORICAL)
    treated = preprocessor.fit_transform(frame)

    assert np.isfinite(treated.to_numpy()).all(), "imputation must fill every numeric gap"
    assert {"island_Biscoe", "island_Dream", "island_Torgersen", "sex_female", "sex_male"} <= set(
        treated.columns
    )
    missing_sex = treated.loc[[5, 22], ["sex_female", "sex_male"]]
    assert (missing_sex == 0).all().all(), "a missing category is encoded as all zeros"

    unseen = frame.head(2).assign(island=["Atlantis", "Biscoe"])
    encoded = preprocessor.transform(unseen)
    island = encoded[["island_Biscoe", "island_Dream", "island_Torgersen"]]
    assert island.iloc[0].sum() == 0, "an unseen island is encoded as all zeros"
    assert island.iloc[1]["island_Biscoe"] == 1


def test_steps_follow_the_documented_order():
    names = [name for name, _ in numeric_steps(FeaturesConfig())]
    assert names == ["impute", "clip", "scale", "decorrelate", "expand"]
    dates = [name for name, _ in branch_steps(FeaturesConfig(), "datetime")]
    assert dates == ["calendar", "impute", "scale"]
    assert [name for name, _ in branch_steps(FeaturesConfig(), "categorical")] == ["encode"]


def test_every_listed_transformer_is_a_step_switched_by_its_own_section():
    """``STEPS`` and ``features.transformers.__all__`` name the same transformers, and
    each one's section of ``features:`` holds its switch and its parameters."""
    assert sorted(transformer.__name__ for transformer in STEPS) == sorted(transformers.__all__)
    names = [step.name for step in STEPS.values()]
    assert len(set(names)) == len(names), f"step names repeat: {names}"
    sections = {field.name for field in dataclasses.fields(FeaturesConfig)}
    for transformer, step in STEPS.items():
        assert step.section in sections, f"{transformer.__name__}: no features.{step.section}"
        fields = {
            field.name for field in dataclasses.fields(getattr(FeaturesConfig(), step.section))
        }
        assert "enabled" in fields
        assert fields - {"enabled"} <= set(transformer().get_params()), (
            f"features.{step.section} has fields that are not {transformer.__name__}'s parameters"
        )


def test_all_steps_disabled_passes_numbers_through(breast_cancer):
    features, _ = breast_cancer
    treated = build_preprocessor(ALL_DISABLED, list(features.columns), []).fit_transform(features)
    pd.testing.assert_frame_equal(treated, features)


def test_polynomial_expansion_names_products():
    config = dataclasses.replace(
        ALL_DISABLED, nonlinear=NonLinearConfig(enabled=True, method="polynomial", degree=2)
    )
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, 0.0, 1.0]})
    treated = build_preprocessor(config, ["a", "b"], []).fit_transform(frame)
    assert list(treated.columns) == ["a", "b", "a^2", "a*b", "b^2"]
    np.testing.assert_allclose(treated["a*b"], frame["a"] * frame["b"])


def test_categorical_columns_with_encoding_disabled_is_a_clear_error():
    with pytest.raises(InputError, match=r"features\.encoding\.enabled is false.*\['island'\]"):
        build_preprocessor(ALL_DISABLED, ["bill_length_mm"], ["island"])


def test_a_column_in_both_lists_is_a_clear_error():
    message = (
        "build_preprocessor: columns ['island', 'signup'] are listed twice (as numeric, "
        "categorical or datetime); expected each column in one list"
    )
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        build_preprocessor(FeaturesConfig(), ["island", "sex"], ["island", "signup"], ["signup"])


def test_no_columns_is_a_clear_error():
    message = (
        "build_preprocessor: no feature columns given; expected at least one numeric, "
        "categorical or datetime column"
    )
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        build_preprocessor(FeaturesConfig(), [], [])


def test_the_categorical_branch_is_the_fitted_encoder_and_unlisted_columns_are_dropped():
    """A report reads the learned categories as ``train`` reads the numeric branch's
    filter: by branch name, from the fitted preprocessor."""
    frame = penguins().assign(row_id=range(60))
    enabled = dataclasses.replace(
        ALL_DISABLED, encoding=dataclasses.replace(ALL_DISABLED.encoding, enabled=True)
    )
    preprocessor = build_preprocessor(enabled, ["bill_depth_mm"], ["island"]).fit(frame)
    encoder = preprocessor.named_transformers_["categorical"]
    assert isinstance(encoder, transformers.CategoryEncoder)
    assert sorted(encoder.categories_[0]) == ["Biscoe", "Dream", "Torgersen"]
    assert list(preprocessor.transform(frame).columns) == [
        "bill_depth_mm",
        *(f"island_{category}" for category in encoder.categories_[0]),
    ]


def test_nan_reaching_the_expander_names_the_column():
    config = dataclasses.replace(
        FeaturesConfig(), imputation=dataclasses.replace(FeaturesConfig().imputation, enabled=False)
    )
    with pytest.raises(
        InputError, match=r"NonLinearExpander: column 'bill_length_mm' contains NaN"
    ):
        build_preprocessor(config, PENGUIN_NUMERIC, PENGUIN_CATEGORICAL).fit(penguins())


def signups() -> pd.DataFrame:
    """Numbers and dates, one date missing."""
    dates = pd.to_datetime(["2024-01-01 08:00", "2024-03-15 12:30", None, "2025-12-31 23:00"])
    return pd.DataFrame({"spend": [1.0, 2.0, 3.0, 4.0], "signup": dates})


def test_datetime_columns_become_calendar_parts_imputed_and_scaled():
    frame = signups()
    preprocessor = build_preprocessor(FeaturesConfig(), ["spend"], [], ["signup"])
    treated = preprocessor.fit_transform(frame)
    parts = ["month", "day_of_week", "day_of_year", "hour"]
    names = ["signup_year", *(f"signup_{part}_{f}" for part in parts for f in ("sin", "cos"))]
    assert list(treated.columns)[-len(names) :] == names
    assert np.isfinite(treated[names].to_numpy()).all(), "the missing date's parts are imputed"
    branch = preprocessor.named_transformers_["datetime"]
    assert [name for name, _ in branch.steps] == ["calendar", "impute", "scale"]
    # Robust scaling of the year (2024, 2024, imputed median 2024, 2025): centred on 2024.
    assert treated["signup_year"].tolist() == pytest.approx([0.0, 0.0, 0.0, 4.0])


def test_a_datetime_branch_of_the_calendar_alone_is_the_encoder():
    only_calendar = dataclasses.replace(
        ALL_DISABLED, calendar=dataclasses.replace(ALL_DISABLED.calendar, enabled=True)
    )
    preprocessor = build_preprocessor(only_calendar, [], [], ["signup"]).fit(signups())
    encoder = preprocessor.named_transformers_["datetime"]
    assert isinstance(encoder, transformers.CalendarEncoder)
    treated = preprocessor.transform(signups())
    assert treated.loc[2].isna().all(), "without imputation a missing date stays missing"
    assert treated.loc[0, "signup_hour_sin"] == pytest.approx(np.sin(2 * np.pi * 8 / 24))


def test_datetime_columns_with_the_calendar_disabled_is_a_clear_error():
    message = (
        "features.calendar.enabled is false, but the data has datetime columns ['signup']; "
        "expected calendar enabled, or those columns removed"
    )
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        build_preprocessor(ALL_DISABLED, ["spend"], [], ["signup"])
