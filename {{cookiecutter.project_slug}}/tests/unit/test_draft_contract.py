"""draft-contract: a first contract from a CSV file, which accepts the data it came from."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data.contract import load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.draft import draft
from {{ cookiecutter.package_name }}.errors import InputError

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


def drafted(tmp_path: Path, frame: pd.DataFrame, text: str | None = None) -> dict[str, str]:
    """Draft a contract through the command, load it, validate the file; the lines by column."""
    source = tmp_path / "sample.csv"
    if text is None:
        frame.to_csv(source, index=False)
    else:
        source.write_text(text, encoding="utf-8")
    output = tmp_path / "sample.yaml"
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 0
    contract = load_contract(output, "label")
    assert len(read_dataset(source, contract)) == len(pd.read_csv(source))
    lines = output.read_text(encoding="utf-8").splitlines()
    return {line.split(":", 1)[0].strip(): line for line in lines if line.startswith("  ")}


def test_free_text_is_drafted_out_of_the_model_not_refused(tmp_path: Path) -> None:
    words = [f"word {index % 70}" for index in range(140)]
    frame = pd.DataFrame({"note": words, "x": np.arange(140) * 0.5, "label": np.arange(140) % 2})
    line = drafted(tmp_path, frame)["note"]
    assert line.startswith("  note: {dtype: category, feature: false}  # free text? 70 distinct")


def test_a_measurement_with_whole_values_is_float(tmp_path: Path) -> None:
    """Whole kilograms in this sample; the next one may hold 70.5."""
    rows = 60
    frame = pd.DataFrame(
        {
            "weight_kg": np.arange(rows) % 40 + 50,
            "flipperLengthMm": np.arange(rows) % 30 + 170,
            "visits": np.arange(rows) % 7,
            "label": np.arange(rows) % 2,
        }
    )
    lines = drafted(tmp_path, frame)
    assert "{dtype: float, " in lines["weight_kg"]
    assert "'kg' names a measurement" in lines["weight_kg"]
    assert "{dtype: float, " in lines["flipperLengthMm"]
    assert "{dtype: int, " in lines["visits"]  # a count stays an integer


def test_whole_values_written_with_a_decimal_point_are_float(tmp_path: Path) -> None:
    """`70.0` in the file is a float column, even where a gap makes every column float."""
    text = "score,visits,label\n" + "".join(
        f"{index % 9}.0,{'' if index == 3 else index % 5},{index % 2}\n" for index in range(30)
    )
    lines = drafted(tmp_path, pd.DataFrame(), text)
    assert "{dtype: float, " in lines["score"]
    assert "{dtype: int, " in lines["visits"]  # no decimal point: a count with a gap
    assert "nullable: true" in lines["visits"]


def test_an_int_column_never_gets_fractional_bounds(tmp_path: Path) -> None:
    frame = pd.DataFrame({"flag_count": [0, 1] * 10, "children": [1, 3] * 10, "label": [0, 1] * 10})
    lines = drafted(tmp_path, frame)
    assert lines["flag_count"].startswith("  flag_count: {dtype: int, min: 0, max: 2}")
    assert lines["children"].startswith("  children: {dtype: int, min: 0, max: 4}")
    for line in lines.values():
        bounds = re.findall(r"(?:min|max): (-?[\d.]+)", line.split("#")[0])
        if "dtype: int" in line:
            assert all("." not in bound for bound in bounds), line


def test_a_date_column_is_named_as_a_date_not_drafted_as_categories(tmp_path: Path) -> None:
    dates = pd.date_range("2007-11-01", periods=30, freq="3D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date_egg": dates, "x": np.arange(30) * 0.5, "label": np.arange(30) % 2})
    frame.loc[4, "date_egg"] = None
    line = drafted(tmp_path, frame)["date_egg"]
    assert line.startswith("  date_egg: {dtype: category, feature: false, nullable: true}")
    assert "a date (2007-11-01 .. 2008-01-27)" in line
    assert "categories" not in line


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
