"""A small mixed-type dataset and its contract, for unit tests of the data and model stages.

It has one column of every contract type (float with gaps, int, category, bool), an id
column that must be unique and is not a feature, and a string target, so the tests
reach code paths the all-float breast cancer data never does.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import (
    DataConfig,
    EvaluateConfig,
    Params,
    PrivacyConfig,
    TrainConfig,
)

CONTRACT = """\
name: mini
description: one column of each type, for unit tests
target:
  values: ["no", "yes"]
  positive: "yes"
columns:
  id: {dtype: int, unique: true, feature: false}
  age: {dtype: int, min: 0, max: 120}
  height: {dtype: float, min: 0.5, max: 2.5, nullable: true}
  colour: {dtype: category, categories: [red, green, blue]}
  member: {dtype: bool}
"""
ROWS = 60


def mini_frame(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """Rows where older, taller members are more often "yes"; a few heights missing."""
    generator = np.random.default_rng(seed)
    age = generator.integers(18, 90, size=rows)
    height = generator.uniform(1.4, 2.1, size=rows).round(3)
    height[::9] = np.nan
    member = generator.random(rows) < 0.5
    score = (age - 50) / 20 + np.nan_to_num(height - 1.75, nan=0.0) * 4 + member * 0.5
    target = np.where(score + generator.normal(0, 0.5, size=rows) > 0, "yes", "no")
    return pd.DataFrame(
        {
            "id": np.arange(1, rows + 1),
            "age": age,
            "height": height,
            "colour": generator.choice(["red", "green", "blue"], size=rows),
            "member": member,
            "label": target,
        }
    )


def write_project(
    folder: Path, frame: pd.DataFrame | None = None, contract_text: str = CONTRACT
) -> Params:
    """Write the contract and a raw CSV into ``folder``; return params pointing at them."""
    contract = folder / "contracts" / "mini.yaml"
    contract.parent.mkdir(parents=True, exist_ok=True)
    contract.write_text(contract_text, encoding="utf-8")
    raw = folder / "data" / "raw" / "dataset.csv"
    raw.parent.mkdir(parents=True, exist_ok=True)
    (mini_frame() if frame is None else frame).to_csv(raw, index=False)
    params = Params()
    return dataclasses.replace(
        params,
        data=DataConfig(
            source=str(folder / "source.csv"),
            target="label",
            contract=str(contract),
            raw_path=str(raw),
            train_path=str(folder / "data" / "processed" / "train.csv"),
            test_path=str(folder / "data" / "processed" / "test.csv"),
            test_size=0.25,
        ),
        train=dataclasses.replace(
            TrainConfig(), model_path=str(folder / "models" / "model.joblib")
        ),
        evaluate=EvaluateConfig(
            threshold=0.5,
            metrics_path=str(folder / "reports" / "metrics.json"),
            plots_dir=str(folder / "reports" / "plots"),
            # The privacy audit's AUC on 15 test rows is noise: off here, and held to
            # the default limit in tests/unit/test_privacy.py on more rows.
            privacy=PrivacyConfig(max_membership_auc=1.0),
        ),
    )
