"""The checks: each cell converted strictly to its contract type, then held to the rules.

These pin what a value becomes (``" FALSE "`` is ``False``, ``01`` stays ``"01"``), what
is refused rather than guessed (``True`` in an int column, ``abc`` where a number
belongs) and the whole message a refusal gives.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractViolationError,
    build_schema,
    load_contract,
    read_dataset,
    target_labels,
    validate_frame,
)

from tests.unit.mini_dataset import CONTRACT, mini_frame

TARGET = 'values: ["no", "yes"]\n  positive: "yes"'


def _contract(tmp_path: Path, *edits: tuple[str, str]) -> Contract:
    text = CONTRACT
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path, "label")


def _csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _refusal(tmp_path: Path, contract: Contract, frame: pd.DataFrame) -> str:
    """The message refusing ``frame`` written as CSV, from its first rule on."""
    path = _csv(tmp_path, frame)
    with pytest.raises(ContractViolationError) as error:
        read_dataset(path, contract)
    message = str(error.value)
    head = f"{path}: "
    assert message.startswith(head), message
    return message.removeprefix(head).replace(str(contract.path), "<contract>")


def _rows(**columns: list[object]) -> pd.DataFrame:
    """The first rows of the mini data set, with ``columns`` replaced."""
    rows = len(next(iter(columns.values())))
    return mini_frame(rows=rows).astype(object).assign(**columns)


def test_bool_words_are_read_whatever_their_case_and_spaces(tmp_path: Path) -> None:
    frame = _rows(member=["true", "1", " FALSE ", "0", "True", "false"])
    checked = read_dataset(_csv(tmp_path, frame), _contract(tmp_path))
    assert checked["member"].tolist() == [True, True, False, False, True, False]


def test_an_empty_cell_of_a_nullable_bool_column_stays_empty(tmp_path: Path) -> None:
    """Written 1/0 with a gap: still true/false/empty, not the numbers 1.0 and 0.0."""
    contract = _contract(
        tmp_path, ("member: {dtype: bool}", "member: {dtype: bool, nullable: true}")
    )
    checked = read_dataset(_csv(tmp_path, _rows(member=["1", "", "0"])), contract)
    assert checked["member"].tolist() == [True, pd.NA, False]


def test_categories_that_look_like_numbers_stay_text(tmp_path: Path) -> None:
    """Codes such as ``01`` are categories as written, not the number 1."""
    contract = _contract(
        tmp_path,
        ("categories: [red, green, blue]", 'categories: ["01", "02", "10"]'),
        (TARGET, 'values: ["01", "02"]\n  positive: "02"'),
    )
    frame = _rows(colour=["01", "10", "02"], label=["02", "01", "01"])
    checked = read_dataset(_csv(tmp_path, frame), contract)
    assert checked["colour"].tolist() == ["01", "10", "02"]
    assert checked["label"].tolist() == ["02", "01", "01"]
    assert target_labels(checked["label"], contract).tolist() == ["02", "01", "01"]


def test_a_bool_target_written_as_1_and_0_with_a_gap_names_only_the_gap(tmp_path: Path) -> None:
    contract = _contract(tmp_path, (TARGET, "values: [true, false]\n  positive: true"))
    frame = _rows(label=["1", "", "0"])
    assert _refusal(tmp_path, contract, frame) == (
        "1 problem(s) with the contract <contract>: "
        "column 'label' breaks rule not_nullable in 1 row(s) (line 3: empty)"
    )
    checked = read_dataset(_csv(tmp_path, frame.iloc[[0, 2]]), contract)
    labels = target_labels(checked["label"], contract)
    assert (str(labels.dtype), labels.tolist()) == ("bool", [True, False])


def test_an_int_target_gives_integer_labels(tmp_path: Path) -> None:
    contract = _contract(tmp_path, (TARGET, "values: [0, 1]\n  positive: 1"))
    checked = read_dataset(_csv(tmp_path, _rows(label=[1, 0, 1])), contract)
    labels = target_labels(checked["label"], contract)
    assert (str(labels.dtype), labels.tolist()) == ("int64", [1, 0, 1])


def test_true_and_false_in_a_number_column_are_refused_not_read_as_1_and_0(
    tmp_path: Path,
) -> None:
    frame = _rows(age=[True, False, True, False])
    assert _refusal(tmp_path, _contract(tmp_path), frame) == (
        "4 problem(s) with the contract <contract>: column 'age' breaks rule dtype int "
        "in 4 row(s) (line 2: 'True', line 3: 'False', line 4: 'True')"
    )
    frame = _rows(height=[1.5, True])
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame.astype({"height": bool}), _contract(tmp_path), "records")
    assert str(error.value).endswith(
        "column 'height' breaks rule dtype float in 2 row(s) (line 2: True, line 3: True)"
    )


@pytest.mark.parametrize(
    ("ages", "shown"),
    [
        (["40", "abc", "50"], "'abc'"),
        (["40", "inf", "50"], "inf"),
        (["40", "1e400", "50"], "1e400"),
    ],
    ids=["text", "infinite", "overflow"],
)
def test_what_is_no_whole_number_breaks_an_int_column_only_as_its_type(
    tmp_path: Path, ages: list[object], shown: str
) -> None:
    """One rule broken, the type: not also "empty" for the value it could not become."""
    assert _refusal(tmp_path, _contract(tmp_path), _rows(age=ages)) == (
        "1 problem(s) with the contract <contract>: "
        f"column 'age' breaks rule dtype int in 1 row(s) (line 3: {shown})"
    )


def test_an_empty_cell_of_an_int_column_breaks_not_nullable_not_its_type(
    tmp_path: Path,
) -> None:
    assert _refusal(tmp_path, _contract(tmp_path), _rows(age=[40, None, 50])) == (
        "1 problem(s) with the contract <contract>: "
        "column 'age' breaks rule not_nullable in 1 row(s) (line 3: empty)"
    )
    contract = _contract(tmp_path, ("min: 0, max: 120}", "min: 0, max: 120, nullable: true}"))
    checked = read_dataset(_csv(tmp_path, _rows(age=[40, None, 50])), contract)
    assert checked["age"].tolist() == [40, pd.NA, 50]


def test_without_the_file_the_parsed_value_is_quoted(tmp_path: Path) -> None:
    """Records that came from no file: the value as it was given."""
    frame = _rows(age=[40, "abc", 50])
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame, _contract(tmp_path), "request r-7")
    assert str(error.value).endswith(
        "column 'age' breaks rule dtype int in 1 row(s) (line 3: 'abc')"
    )


def test_a_file_gone_before_the_report_still_gives_the_report(tmp_path: Path) -> None:
    """Reading the cells as written failed: the message quotes the parsed values instead."""

    def vanished() -> pd.DataFrame:
        raise FileNotFoundError("data.csv")

    frame = _rows(age=[40, 41.5, 50])
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame, _contract(tmp_path), "data.csv", vanished)
    assert str(error.value).endswith(
        "column 'age' breaks rule dtype int in 1 row(s) (line 3: 41.5)"
    )


def test_an_unexpected_column_among_the_others_is_named_alone(tmp_path: Path) -> None:
    """The columns after it are still checked, and found right."""
    frame = mini_frame()
    frame.insert(1, "weight", 70.0)
    assert _refusal(tmp_path, _contract(tmp_path), frame) == (
        "1 problem(s) with the contract <contract>: "
        "unexpected column (not in the contract) 'weight'"
    )


def test_the_schema_carries_each_column_type_and_rule(tmp_path: Path) -> None:
    """What ``build_schema`` gives a caller who checks a frame with pandera directly."""
    contract = _contract(tmp_path, (TARGET, "values: [0, 1]\n  positive: 1"))
    schema = build_schema(contract)
    assert schema.name == "mini"
    assert schema.strict is True
    dtypes = {name: str(column.dtype) for name, column in schema.columns.items()}
    # pandas keeps text as pyarrow strings where pyarrow is installed, else as Python's.
    assert dtypes.pop("colour") in ("string[python]", "string[pyarrow]")
    assert dtypes == {
        "id": "Int64",
        "age": "Int64",
        "height": "float64",
        "member": "boolean",
        "label": "Int64",
    }
    assert [name for name, column in schema.columns.items() if column.nullable] == ["height"]
    assert [name for name, column in schema.columns.items() if column.unique] == ["id"]
    assert schema.columns["label"].checks[0].statistics == {"allowed_values": [0, 1]}
