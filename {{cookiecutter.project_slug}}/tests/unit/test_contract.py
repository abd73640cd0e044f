"""The data contract and the validate stage: bad data is refused with a named message.

Each kind of bad file the contract exists for gets its own test, and each asserts the
message names the file, the column, the rule and where, since a message that only
says "invalid" sends a user to a debugger.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Hashable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import (
    ContractError,
    ContractViolationError,
    CsvLines,
    RowLocator,
    load_contract,
    read_dataset,
    validate_frame,
)
from {{ cookiecutter.package_name }}.data.files import DataFileError, read_csv
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import atomic_path

from tests.conftest import PROJECT_ROOT
from tests.unit.mini_dataset import CONTRACT, mini_frame, write_project


@pytest.fixture
def contract_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return path


def _csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _violation(tmp_path: Path, contract_path: Path, frame: pd.DataFrame) -> str:
    path = _csv(tmp_path, frame)
    with pytest.raises(ContractViolationError) as error:
        read_dataset(path, load_contract(contract_path, "label"))
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    assert str(contract_path) in message
    assert "\n" not in message
    return message


def test_shipped_contract_describes_the_bundled_data() -> None:
    """The breast cancer contract: 30 numeric features, binary target, positive = benign."""
    contract = load_contract(PROJECT_ROOT / "contracts" / "breast_cancer.yaml", "target")
    assert len(contract.numeric_features) == 30
    assert contract.categorical_features == []
    assert contract.target.values == (0, 1)
    assert contract.target.positive == 1


def test_valid_data_gets_the_contract_types(tmp_path: Path, contract_path: Path) -> None:
    """Each contract type maps to one pandas dtype; gaps stay gaps (not 0, not False)."""
    frame = read_dataset(_csv(tmp_path, mini_frame()), load_contract(contract_path, "label"))
    assert frame.dtypes.map(str).to_dict() == {
        "id": "Int64",
        "age": "Int64",
        "height": "float64",
        "colour": "str",
        "member": "boolean",
        "label": "str",
    }
    assert frame["height"].isna().sum() == mini_frame()["height"].isna().sum() > 0


def test_missing_column_is_named(tmp_path: Path, contract_path: Path) -> None:
    message = _violation(tmp_path, contract_path, mini_frame().drop(columns=["age"]))
    assert "missing column 'age'" in message


def test_unexpected_column_is_named(tmp_path: Path, contract_path: Path) -> None:
    message = _violation(tmp_path, contract_path, mini_frame().assign(weight=1.0))
    assert "unexpected column (not in the contract) 'weight'" in message


def test_text_in_a_float_column_is_a_dtype_violation(tmp_path: Path, contract_path: Path) -> None:
    frame = mini_frame().astype({"height": "object"})
    frame.loc[3, "height"] = "tall"
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'height' breaks rule dtype float in 1 row(s) (line 5: 'tall')" in message


def test_fraction_in_an_int_column_is_refused_not_truncated(
    tmp_path: Path, contract_path: Path
) -> None:
    """pandera's coercion would silently turn 41.5 into 41; the contract refuses it."""
    frame = mini_frame().astype({"age": "float64"})
    frame.loc[0, "age"] = 41.5
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'age' breaks rule dtype int in 1 row(s) (line 2: 41.5)" in message


def test_unknown_word_in_a_bool_column_is_refused(tmp_path: Path, contract_path: Path) -> None:
    """pandera's coercion would read "maybe" as True; the contract refuses it."""
    frame = mini_frame().astype({"member": "object"})
    frame.loc[7, "member"] = "maybe"
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'member' breaks rule dtype bool in 1 row(s) (line 9: 'maybe')" in message


def test_out_of_range_values_are_listed_with_their_lines(
    tmp_path: Path, contract_path: Path
) -> None:
    frame = mini_frame()
    frame.loc[[2, 4, 6, 8], "age"] = [130, 140, 150, 160]
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'age' breaks rule less_than_or_equal_to(120.0) in 4 row(s)" in message
    assert "line 4: 130, line 6: 140, line 8: 150)" in message  # the first three only


def test_a_csv_row_is_located_by_its_file_line() -> None:
    """Line 1 is the header, so row 0 is line 2; blank lines are rows, so lines stay true."""
    assert CsvLines().locate(0) == "line 2"
    assert CsvLines().locate(np.int64(9)) == "line 11"


def test_where_a_row_came_from_is_pluggable(contract_path: Path) -> None:
    """Data that is not a file (a request's records) names its rows its own way."""

    class Records:
        def locate(self, row: Hashable) -> str:
            return f"record {row} of request r-7"

    locator: RowLocator = Records()
    frame = mini_frame()
    frame.loc[[2, 4], "age"] = [130, 140]
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame, load_contract(contract_path, "label"), "request r-7", None, locator)
    assert str(error.value) == (
        f"request r-7: 2 problem(s) with the contract {contract_path}: column 'age' breaks "
        "rule less_than_or_equal_to(120.0) in 2 row(s) "
        "(record 2 of request r-7: 130, record 4 of request r-7: 140)"
    )


def test_unexpected_category_is_named(tmp_path: Path, contract_path: Path) -> None:
    frame = mini_frame()
    frame.loc[10, "colour"] = "purple"
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'colour' breaks rule isin(['red', 'green', 'blue'])" in message
    assert "line 12: 'purple'" in message


def test_empty_cell_in_a_required_column(tmp_path: Path, contract_path: Path) -> None:
    frame = mini_frame().astype({"colour": "object"})
    frame.loc[5, "colour"] = None
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'colour' breaks rule not_nullable" in message
    assert "line 7" in message


def test_duplicate_in_a_unique_column(tmp_path: Path, contract_path: Path) -> None:
    frame = mini_frame()
    frame.loc[1, "id"] = frame.loc[0, "id"]
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'id' breaks rule unique in 2 row(s)" in message


def test_target_outside_its_values(tmp_path: Path, contract_path: Path) -> None:
    frame = mini_frame()
    frame.loc[0, "label"] = "perhaps"
    message = _violation(tmp_path, contract_path, frame)
    assert "column 'label' breaks rule isin(['no', 'yes'])" in message


def test_several_problems_are_reported_together(tmp_path: Path, contract_path: Path) -> None:
    """Lazy validation: every broken rule in one message, not one per run."""
    frame = mini_frame().drop(columns=["member"])
    frame.loc[0, "age"] = -1
    frame.loc[1, "colour"] = "purple"
    message = _violation(tmp_path, contract_path, frame)
    for part in ("missing column 'member'", "column 'age'", "column 'colour'"):
        assert part in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"\n\n  \n", "file is empty"),
        (b"id,age,height,colour,member,label\n", "has a header but no data rows"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "not a CSV text file (found binary content",
        ),
        ("id,age\n1,\u00e9".encode("latin-1"), "not a CSV text file (not UTF-8"),
        (b'id,age\n1,"unterminated\n', "not a valid CSV file"),
    ],
    ids=["empty", "blank", "header-only", "binary", "not-utf8", "bad-quoting"],
)
def test_unreadable_files_are_named(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=re.escape(expected)) as error:
        read_csv(path)
    assert str(error.value).startswith(f"{path}: ")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        read_csv(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("  age: {dtype: int, min: 0, max: 120}", "  age: {dtype: integer}"),
            "columns.age.dtype: expected one of",
        ),
        (
            ("  age: {dtype: int, min: 0, max: 120}", "  age: {dtype: int, maximum: 3}"),
            "columns.age: unknown key(s) ['maximum']",
        ),
        (
            ("categories: [red, green, blue]", "categories: []"),
            "columns.colour.categories: a category feature needs",
        ),
        (
            ('positive: "yes"', 'positive: "maybe"'),
            "target.positive: expected one of ['no', 'yes']",
        ),
        (
            ('values: ["no", "yes"]', 'values: ["no", "yes", "n/a"]'),
            "target.values: expected the two classes",
        ),
        (("min: 0, max: 120", "min: 200, max: 120"), "columns.age: min 200.0 is above max 120.0"),
        (
            ("member: {dtype: bool}", "label: {dtype: bool}"),
            "the target 'label' is described under 'target:'",
        ),
    ],
    ids=[
        "dtype",
        "unknown-key",
        "no-categories",
        "positive",
        "multiclass",
        "min-max",
        "target-as-column",
    ],
)
def test_malformed_contract_names_the_key(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    old, new = edit
    assert old in CONTRACT
    path = tmp_path / "bad.yaml"
    path.write_text(CONTRACT.replace(old, new), encoding="utf-8")
    with pytest.raises(ContractError) as error:
        load_contract(path, "label")
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_missing_contract_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="contract not found"):
        load_contract(tmp_path / "absent.yaml", "label")


def test_rows_without_target_are_dropped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = mini_frame().astype({"label": "object"})
    frame.loc[[3, 4, 5], "label"] = None
    params = write_project(tmp_path, frame)
    validate.run(params)
    assert "3 row(s) without a target dropped" in capsys.readouterr().out
    train = pd.read_csv(params.data.train_path)
    test = pd.read_csv(params.data.test_path)
    assert len(train) + len(test) == len(frame) - 3
    assert train["label"].notna().all()
    assert test["label"].notna().all()


def test_split_is_stratified_and_repeatable(tmp_path: Path) -> None:
    frame = mini_frame(rows=200)
    first_train, first_test = validate.split(frame, "label", 0.25, seed=7)
    second_train, _ = validate.split(frame, "label", 0.25, seed=7)
    other_train, _ = validate.split(frame, "label", 0.25, seed=8)
    assert first_train.index.equals(second_train.index)
    assert not first_train.index.equals(other_train.index)
    assert len(first_test) == 50
    overall = frame["label"].eq("yes").mean()
    assert abs(first_test["label"].eq("yes").mean() - overall) < 0.02


def test_split_refuses_a_single_class() -> None:
    frame = mini_frame().assign(label="yes")
    with pytest.raises(InputError, match="needs at least 2 rows of each of 2 classes"):
        validate.split(frame, "label", 0.25, seed=1)


def test_failed_validation_writes_nothing_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the command line: one line on stderr, exit 2, no split files written."""
    frame = mini_frame()
    frame.loc[0, "age"] = 999
    params = write_project(tmp_path, frame)
    monkeypatch.chdir(tmp_path)  # paths in params.yaml are relative to the project
    data = {
        key: os.path.relpath(value, tmp_path) if key.endswith(("_path", "contract")) else value
        for key, value in dataclasses.asdict(params.data).items()
    }
    data["source"] = "sklearn:breast_cancer"
    params_file = tmp_path / "params.yaml"
    params_file.write_text(
        "data:\n" + "".join(f"  {key}: {value!r}\n" for key, value in data.items()),
        encoding="utf-8",
    )
    assert main(["--params", str(params_file), "validate"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(f"error: {data['raw_path']}: 1 problem(s) with the contract")
    assert "column 'age'" in error
    assert not Path(params.data.train_path).exists()
    assert not Path(params.data.test_path).exists()


def test_atomic_path_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    destination = tmp_path / "out.csv"
    destination.write_text("old\n", encoding="utf-8")

    def failing_stage() -> None:
        with atomic_path(destination) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError, match="stage failed"):
        failing_stage()
    assert destination.read_text(encoding="utf-8") == "old\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv"]
