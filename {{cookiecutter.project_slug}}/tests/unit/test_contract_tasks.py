"""The task comes from the contract's target: two classes and a positive one (binary), a
list of classes (multiclass) or a number with bounds (regression); and ``slices:``.

Each malformed target or slice list is refused with one whole message naming the key;
a valid one is read into its rule, and the data is held to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractError,
    ContractViolationError,
    load_contract,
    target_labels,
    validate_frame,
)

from tests.unit.mini_dataset import CONTRACT, mini_frame

BINARY = 'target:\n  values: ["no", "yes"]\n  positive: "yes"\n'


def _with_target(target: str, extra: str = "") -> str:
    assert BINARY in CONTRACT
    return CONTRACT.replace(BINARY, target) + extra


def _load(tmp_path: Path, text: str) -> Contract:
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path, "label")


def _refusal(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as error:
        load_contract(path, "label")
    return "<file>" + str(error.value).removeprefix(str(path))


@pytest.mark.parametrize(
    ("target", "task", "classes", "dtype"),
    [
        (BINARY, "binary", ("no", "yes"), "category"),
        ("target:\n  classes: [c, a, b]\n", "multiclass", ("c", "a", "b"), "category"),
        ("target:\n  classes: [3, 1, 2]\n", "multiclass", (3, 1, 2), "int"),
        ("target:\n  dtype: float\n  min: 0\n  max: 7.5\n", "regression", (), "float"),
        ("target:\n  dtype: int\n  min: -3\n  max: 300\n", "regression", (), "int"),
    ],
    ids=["binary", "multiclass-text", "multiclass-int", "regression-float", "regression-int"],
)
def test_the_keys_of_the_target_set_the_task(
    tmp_path: Path, target: str, task: str, classes: tuple[object, ...], dtype: str
) -> None:
    """The classes keep the contract's order: it is the order of predict's columns."""
    rule = _load(tmp_path, _with_target(target)).target
    assert (rule.task, rule.classes, rule.dtype) == (task, classes, dtype)


def test_a_regression_target_keeps_its_bounds(tmp_path: Path) -> None:
    rule = _load(tmp_path, _with_target("target:\n  dtype: float\n  min: 0\n  max: 7.5\n")).target
    assert (rule.minimum, rule.maximum, rule.positive) == (0.0, 7.5, None)


FORMS = (
    "{values: [<class>, <class>], positive: <class>} (binary), {classes: [<class>, <class>, "
    "<class>, ...]} (multiclass) or {dtype: float|int, min: <number>, max: <number>} "
    "(regression)"
)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("target: {}\n", f"<file>.target: expected the keys of one of {FORMS}, found []"),
        (
            "target:\n  classes: [a, b, c]\n  positive: a\n",
            "<file>.target: unknown key(s) ['classes'] for a binary target; "
            "expected ['positive', 'values']",
        ),
        (
            "target:\n  classes: [a, b, c]\n  order: [a]\n",
            "<file>.target: unknown key(s) ['order'] for a multiclass target; expected ['classes']",
        ),
        (
            "target:\n  classes: [a, b]\n",
            "<file>.target.classes: expected three or more classes (a two-class target is "
            "binary: values and positive), found ['a', 'b']",
        ),
        (
            "target:\n  classes: [a, b, a]\n",
            "<file>.target.classes: each class once, found ['a'] repeated",
        ),
        (
            "target:\n  classes: [1, b, c]\n",
            "<file>.target.classes: expected integers, strings or true/false (one kind), "
            "found [1, 'b', 'c']",
        ),
        (
            "target:\n  classes: a, b, c\n",
            "<file>.target.classes: expected three or more classes (a two-class target is "
            "binary: values and positive), found 'a, b, c'",
        ),
        (
            "target:\n  dtype: category\n  min: 0\n  max: 1\n",
            "<file>.target.dtype: expected float or int (a regression target is a number), "
            "found 'category'",
        ),
        (
            "target:\n  dtype: float\n  min: 0\n",
            "<file>.target: expected plausible bounds min < max for a regression target, "
            "found min 0 and max None",
        ),
        (
            "target:\n  dtype: float\n  min: 5\n  max: 5\n",
            "<file>.target: expected plausible bounds min < max for a regression target, "
            "found min 5 and max 5",
        ),
        (
            "target:\n  dtype: float\n  min: low\n  max: 5\n",
            "<file>.target.min: expected a number, found 'low'",
        ),
        (
            "target:\n  values: [0, 1]\n  positive: true\n",
            "<file>.target.positive: expected one of [0, 1], found True",
        ),
    ],
    ids=[
        "no-keys",
        "mixed-forms",
        "unknown-key",
        "two-classes",
        "repeated-class",
        "mixed-kinds",
        "classes-not-list",
        "regression-not-number",
        "regression-no-max",
        "regression-empty-range",
        "regression-bound-not-number",
        "positive-of-another-type",
    ],
)
def test_a_malformed_target_is_refused_with_one_whole_message(
    tmp_path: Path, target: str, expected: str
) -> None:
    assert _refusal(tmp_path, _with_target(target)) == expected


def test_a_multiclass_target_is_held_to_its_classes(tmp_path: Path) -> None:
    contract = _load(tmp_path, _with_target('target:\n  classes: ["no", "yes", "maybe"]\n'))
    frame = mini_frame(rows=3).assign(label=["no", "maybe", "yes"])
    assert validate_frame(frame, contract, "frame")["label"].tolist() == ["no", "maybe", "yes"]
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame.assign(label=["no", "perhaps", "yes"]), contract, "frame")
    assert "column 'label'" in str(error.value)
    assert "perhaps" in str(error.value)


def test_a_regression_target_is_held_to_its_bounds_and_read_as_numbers(tmp_path: Path) -> None:
    contract = _load(tmp_path, _with_target("target:\n  dtype: float\n  min: 0\n  max: 10\n"))
    frame = mini_frame(rows=3).assign(label=["0", "2.5", "10"])
    checked = validate_frame(frame, contract, "frame")
    labels = target_labels(checked["label"], contract)
    assert labels.dtype == "float64"
    assert labels.tolist() == [0.0, 2.5, 10.0]
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame.assign(label=["0", "2.5", "10.5"]), contract, "frame")
    assert "column 'label' breaks rule less_than_or_equal_to(10.0)" in str(error.value)
    with pytest.raises(ContractViolationError) as error:
        validate_frame(frame.assign(label=["0", "high", "1"]), contract, "frame")
    assert "high" in str(error.value)


def test_slices_name_columns_of_few_values(tmp_path: Path) -> None:
    contract = _load(tmp_path, CONTRACT + "slices: [colour, member, age]\n")
    assert contract.slices == ("colour", "member", "age")
    assert _load(tmp_path, CONTRACT).slices == ()


@pytest.mark.parametrize(
    ("slices", "expected"),
    [
        ("slices: colour\n", "<file>.slices: expected a list of column names, found 'colour'"),
        (
            "slices: [region]\n",
            "<file>.slices: 'region' is not a column of the contract; expected some of "
            "['age', 'colour', 'height', 'id', 'member']",
        ),
        (
            "slices: [height]\n",
            "<file>.slices: 'height' is float; a slice column is one of "
            "['category', 'bool', 'int'] (a few distinct values)",
        ),
        (
            "slices: [label]\n",
            "<file>.slices: 'label' is not a column of the contract; "
            "expected some of ['age', 'colour', 'height', 'id', 'member']",
        ),
        (
            "slices: [colour, colour]\n",
            "<file>.slices: each column once, found ['colour'] repeated",
        ),
    ],
    ids=["not-a-list", "unknown-column", "float-column", "the-target", "repeated"],
)
def test_malformed_slices_are_refused(tmp_path: Path, slices: str, expected: str) -> None:
    assert _refusal(tmp_path, CONTRACT + slices) == expected
