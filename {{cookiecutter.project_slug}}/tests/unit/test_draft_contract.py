"""draft-contract: a first contract from a CSV file, which accepts the data it came from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import InputError
from {{ cookiecutter.package_name }}.data.contract import load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.draft import draft

from tests.unit.mini_dataset import mini_frame


def test_draft_accepts_the_data_it_was_drafted_from(tmp_path: Path) -> None:
    source = tmp_path / "mini.csv"
    mini_frame().to_csv(source, index=False)
    output = tmp_path / "contracts" / "mini.yaml"
    output.parent.mkdir()
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 0
    contract = load_contract(output, "label")
    assert read_dataset(source, contract).shape == mini_frame().shape
    rules = {rule.name: rule for rule in contract.columns}
    assert rules["id"].unique
    assert not rules["id"].feature  # every value distinct: an identifier
    assert rules["age"].dtype == "int"
    assert rules["height"].dtype == "float"
    assert rules["height"].nullable
    assert rules["colour"].categories == ("blue", "green", "red")
    assert rules["member"].dtype == "bool"
    assert contract.target.values == ("no", "yes")


def test_bounds_are_wider_than_the_sample_and_commented() -> None:
    frame = pd.DataFrame({"size": [10.0, 20.0, 30.0], "label": [0, 1, 0]})
    text = draft(frame, "label", "sizes", "sizes.csv")
    line = next(line for line in text.splitlines() if line.startswith("  size:"))
    assert line == "  size: {dtype: float, min: 0, max: 40}  # observed 10 .. 30"
    assert yaml.safe_load(text)["target"] == {"values": [0, 1], "positive": 1}


def test_column_names_that_need_quotes_survive() -> None:
    frame = pd.DataFrame({"rate: %": [1.5, 2.5], "#id": [1.0, 2.0], "label": ["a", "b"]})
    columns = yaml.safe_load(draft(frame, "label", "odd", "odd.csv"))["columns"]
    assert set(columns) == {"rate: %", "#id"}


def test_target_with_more_than_two_classes_is_refused() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "b", "c"]})
    with pytest.raises(
        InputError, match=r"target 'label' has 3 distinct values .*expected exactly 2"
    ):
        draft(frame, "label", "three", "three.csv")


def test_free_text_column_is_refused() -> None:
    words = [f"word {index % 70}" for index in range(140)]
    frame = pd.DataFrame({"note": words, "label": np.arange(140) % 2})
    with pytest.raises(InputError, match="column 'note': 70 distinct text values"):
        draft(frame, "label", "notes", "notes.csv")


def test_existing_contract_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mini.csv"
    mini_frame().to_csv(source, index=False)
    output = tmp_path / "mini.yaml"
    output.write_text("mine\n", encoding="utf-8")
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "mine\n"
