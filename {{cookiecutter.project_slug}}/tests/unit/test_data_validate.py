"""The validate stage: what it refuses, in whose words, and the split it writes.

Messages name the source and say what was expected and what was found; the split
keeps at least one row of each class on each side, and no more is asked of it; the
cells quoted in messages come from the file the user gave while it lines up.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import DataConfig
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    load_contract,
)
from {{ cookiecutter.package_name }}.errors import InputError

from tests.unit.mini_dataset import mini_frame, write_project


def _contract(tmp_path: Path) -> Contract:
    return load_contract(write_project(tmp_path).data.contract, "label")


def test_a_frame_without_the_target_column_is_refused_with_the_columns_found(
    tmp_path: Path,
) -> None:
    frame = mini_frame().drop(columns="label")
    with pytest.raises(ContractViolationError) as error:
        validate.check(frame, _contract(tmp_path), "people.csv")
    assert str(error.value) == (
        "people.csv: missing target column 'label' (params.yaml data.target); "
        "found columns ['id', 'age', 'height', 'colour', 'member']"
    )


def test_a_frame_without_any_label_is_refused(tmp_path: Path) -> None:
    frame = mini_frame().assign(label=None)
    with pytest.raises(ContractViolationError) as error:
        validate.check(frame, _contract(tmp_path), "people.csv")
    assert str(error.value) == "people.csv: every row lacks a value in target column 'label'"


def test_two_rows_of_each_class_split_one_each_side() -> None:
    """The smallest split there is: 1 row of each class in train and in test."""
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "target": [0, 1, 0, 1]})
    train, test = validate.split(frame, "target", 0.5, seed=0)
    assert sorted(train["target"]) == [0, 1]
    assert sorted(test["target"]) == [0, 1]


def test_a_split_leaving_too_few_training_rows_is_refused() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "target": [0, 1, 0, 1, 0]})
    with pytest.raises(InputError) as error:
        validate.split(frame, "target", 0.7, seed=0)
    assert str(error.value) == (
        "the data: data.test_size 0.7 of 5 rows leaves 4 test and 1 training row(s); "
        "a stratified split needs at least 2 (one per class) on each side: "
        "change data.test_size in params.yaml"
    )


def test_no_rows_at_all_are_called_no_rows() -> None:
    frame = pd.DataFrame({"x": [], "target": []})
    with pytest.raises(InputError) as error:
        validate.split(frame, "target", 0.25, seed=0, source="empty.csv")
    assert str(error.value) == (
        "empty.csv: target 'target': a stratified split needs at least 2 rows of each of "
        "2 classes; found no rows"
    )


def test_the_stage_counts_labelled_and_unlabelled_rows(tmp_path: Path) -> None:
    params = write_project(tmp_path)
    frame = mini_frame()
    frame.loc[[0, 1, 2], "label"] = None
    contract = load_contract(params.data.contract, "label")
    result = validate.validate(frame, contract, params.data, params.seed, "people.csv")
    assert (result.rows, result.unlabelled) == (57, 3)
    assert len(result.train) + len(result.test) == 57


def test_the_stage_splits_with_the_seed_of_params(tmp_path: Path) -> None:
    params = write_project(tmp_path)
    params = dataclasses.replace(params, seed=11)
    validate.run(params)
    contract = load_contract(params.data.contract, "label")
    expected = validate.validate(
        validate.read_raw(params.data.raw_path, contract), contract, params.data, 11, "raw"
    )
    assert pd.read_csv(params.data.train_path)["id"].tolist() == expected.train["id"].tolist()


def test_category_codes_are_read_as_written(tmp_path: Path) -> None:
    contract_path = tmp_path / "codes.yaml"
    contract_path.write_text(
        "name: codes\ndescription: codes\ntarget: {values: [0, 1], positive: 1}\n"
        'columns:\n  code: {dtype: category, categories: ["007", "010"]}\n',
        encoding="utf-8",
    )
    raw = tmp_path / "codes.csv"
    raw.write_text("code,label\n007,0\n010,1\n", encoding="utf-8")
    contract = load_contract(contract_path, "label")
    assert validate.read_raw(raw, contract)["code"].tolist() == ["007", "010"]


def _written(tmp_path: Path, source_text: str | None, raw_text: str) -> pd.DataFrame:
    raw = tmp_path / "raw.csv"
    raw.write_text(raw_text, encoding="utf-8")
    source = tmp_path / "source.csv"
    if source_text is not None:
        source.write_text(source_text, encoding="utf-8")
    return validate.written_cells(DataConfig(source=str(source), raw_path=str(raw)))


RAW = "age,label\n,yes\n41,no\n"


def test_cells_are_quoted_from_the_source_the_user_gave(tmp_path: Path) -> None:
    """Ingest wrote ``n/a`` as an empty cell; the message quotes the user's ``n/a``."""
    cells = _written(tmp_path, " age , label\nn/a,yes\n41,no\n", RAW)
    assert cells["age"].tolist() == ["n/a", "41"]


@pytest.mark.parametrize(
    "source_text",
    [
        "age,label\nn/a,yes\n41,no\n39,no\n",  # a row more
        "years,label\nn/a,yes\n41,no\n",  # another column
        None,  # gone
    ],
    ids=["rows", "columns", "missing"],
)
def test_cells_come_from_the_raw_file_when_the_source_does_not_line_up(
    tmp_path: Path, source_text: str | None
) -> None:
    assert _written(tmp_path, source_text, RAW)["age"].tolist() == ["", "41"]


def test_a_bundled_source_quotes_the_raw_file(tmp_path: Path) -> None:
    raw = tmp_path / "raw.csv"
    raw.write_text(RAW, encoding="utf-8")
    cells = validate.written_cells(DataConfig(source="sklearn:iris", raw_path=str(raw)))
    assert cells.to_numpy().tolist() == [["", "yes"], ["41", "no"]]
