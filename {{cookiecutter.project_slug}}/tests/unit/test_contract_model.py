"""Reading a contract file: each malformed key refused with the whole message, the rest read.

A contract is written by hand, so every mistake in it must be refused with one message
that names the file and the key (``<file>.columns.age.min``), says what was expected
and quotes what was found; each test here asserts that whole message, not a fragment.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    ContractError,
    ContractViolationError,
    load_contract,
    validate_frame,
)

from tests.unit.mini_dataset import CONTRACT, mini_frame

AGE = "  age: {dtype: int, min: 0, max: 120}"
ID = "  id: {dtype: int, unique: true, feature: false}"
HEIGHT = "  height: {dtype: float, min: 0.5, max: 2.5, nullable: true}"
COLOUR = "  colour: {dtype: category, categories: [red, green, blue]}"
MEMBER = "  member: {dtype: bool}"
TARGET = 'target:\n  values: ["no", "yes"]\n  positive: "yes"\n'


def _load(tmp_path: Path, text: str, file: str = "mini.yaml") -> Contract:
    path = tmp_path / file
    path.write_text(text, encoding="utf-8")
    return load_contract(path, "label")


def _edited(old: str, new: str) -> str:
    assert old in CONTRACT
    return CONTRACT.replace(old, new)


def _refusal(tmp_path: Path, text: str) -> str:
    """The message refusing ``text``, with the file's path replaced by ``<file>``."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as error:
        load_contract(path, "label")
    message = str(error.value)
    assert message.startswith(str(path)), message
    return "<file>" + message.removeprefix(str(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _edited(AGE, "  age: {dtype: int, min: ten, max: 120}"),
            "<file>.columns.age.min: expected a number, found 'ten'",
        ),
        (
            _edited(AGE, "  age: {dtype: int, min: 0, max: ten}"),
            "<file>.columns.age.max: expected a number, found 'ten'",
        ),
        (
            _edited(AGE, "  age: {dtype: int, min: true, max: 120}"),
            "<file>.columns.age.min: expected a number, found True",
        ),
        (
            _edited(ID, '  id: {dtype: int, unique: true, feature: "no"}'),
            "<file>.columns.id.feature: expected true or false, found 'no'",
        ),
        (
            _edited(HEIGHT, "  height: {dtype: float, nullable: 1}"),
            "<file>.columns.height.nullable: expected true or false, found 1",
        ),
        (
            _edited(ID, '  id: {dtype: int, unique: "yes", feature: false}'),
            "<file>.columns.id.unique: expected true or false, found 'yes'",
        ),
        (
            _edited(MEMBER, "  member: bool"),
            "<file>.columns.member: expected a mapping of rules, found 'bool'",
        ),
        (
            _edited(AGE, "  age: {dtype: int, maximum: 3}"),
            "<file>.columns.age: unknown key(s) ['maximum']; expected some of "
            "['categories', 'dtype', 'feature', 'format', 'max', 'min', 'nullable', 'pii', "
            "'unique']",
        ),
        (
            _edited(AGE, "  age: {dtype: integer}"),
            "<file>.columns.age.dtype: expected one of "
            "['float', 'int', 'category', 'bool', 'datetime', 'text'], found 'integer'",
        ),
        (
            _edited(AGE, "  age: {min: 0}"),
            "<file>.columns.age.dtype: expected one of "
            "['float', 'int', 'category', 'bool', 'datetime', 'text'], found None",
        ),
        (
            _edited(COLOUR, "  colour: {dtype: category, categories: []}"),
            "<file>.columns.colour.categories: a category feature needs a non-empty list of "
            "categories, found []",
        ),
        (
            _edited(COLOUR, "  colour: {dtype: category}"),
            "<file>.columns.colour.categories: a category feature needs a non-empty list of "
            "categories, found None",
        ),
        (
            _edited(COLOUR, "  colour: {dtype: category, feature: false, categories: red}"),
            "<file>.columns.colour.categories: a category feature needs a non-empty list of "
            "categories, found 'red'",
        ),
        (
            _edited(MEMBER, "  member: {dtype: bool, categories: [yes, no]}"),
            "<file>.columns.member.categories: only for dtype category, not bool",
        ),
        (
            _edited(MEMBER, "  member: {dtype: bool, min: 0}"),
            "<file>.columns.member: min/max apply to numbers and dates, not bool",
        ),
        (
            _edited(COLOUR, "  colour: {dtype: category, categories: [red], max: 3}"),
            "<file>.columns.colour: min/max apply to numbers and dates, not category",
        ),
        (
            _edited(AGE, "  age: {dtype: int, min: 200, max: 120}"),
            "<file>.columns.age: min 200.0 is above max 120.0",
        ),
        (
            _edited(TARGET, "target: label\n"),
            "<file>.target: expected one of {values: [<class>, <class>], positive: <class>} "
            "(binary), {classes: [<class>, <class>, <class>, ...]} (multiclass) or "
            "{dtype: float|int, min: <number>, max: <number>} (regression), found 'label'",
        ),
        (
            _edited(TARGET, TARGET + '  negative: "no"\n'),
            "<file>.target: unknown key(s) ['negative'] for a binary target; "
            "expected ['positive', 'values']",
        ),
        (
            _edited('values: ["no", "yes"]', 'values: ["no", "yes", "n/a"]'),
            "<file>.target.values: expected the two classes of a binary target (list three "
            "or more under 'classes:' for a multiclass one), found ['no', 'yes', 'n/a']",
        ),
        (
            _edited('values: ["no", "yes"]', 'values: ["yes", "yes"]'),
            "<file>.target.values: each class once, found ['yes'] repeated",
        ),
        (
            _edited('values: ["no", "yes"]', 'values: [0, "yes"]'),
            "<file>.target.values: expected integers, strings or true/false (one kind), "
            "found [0, 'yes']",
        ),
        (
            _edited(
                'values: ["no", "yes"]\n  positive: "yes"', "values: [0.0, 1.0]\n  positive: 1.0"
            ),
            "<file>.target.values: expected integers, strings or true/false (one kind), "
            "found [0.0, 1.0]",
        ),
        (
            _edited('positive: "yes"', 'positive: "maybe"'),
            "<file>.target.positive: expected one of ['no', 'yes'], found 'maybe'",
        ),
        ("- name\n- columns\n", "<file>: expected a mapping with name, target and columns"),
        (
            "version: 2\n" + CONTRACT,
            "<file>: unknown key(s) ['version']; expected some of "
            "['columns', 'description', 'name', 'slices', 'target']",
        ),
        (
            "name: mini\n" + TARGET + "columns: {}\n",
            "<file>.columns: expected a mapping of column name to rules",
        ),
        (
            "name: mini\n" + TARGET + "columns: [age, height]\n",
            "<file>.columns: expected a mapping of column name to rules",
        ),
        (
            _edited(MEMBER, "  label: {dtype: category, categories: [no, yes]}"),
            "<file>.columns: the target 'label' is described under 'target:', "
            "not among the columns",
        ),
        (
            TARGET + "columns:\n" + ID + "\n",
            "<file>.columns: no column is a feature",
        ),
    ],
    ids=[
        "min-text",
        "max-text",
        "min-bool",
        "feature-flag",
        "nullable-flag",
        "unique-flag",
        "rules-not-mapping",
        "unknown-key",
        "dtype",
        "dtype-missing",
        "categories-empty",
        "categories-missing",
        "categories-not-list",
        "categories-on-bool",
        "min-on-bool",
        "max-on-category",
        "min-above-max",
        "target-not-mapping",
        "target-unknown-key",
        "target-three-values",
        "target-same-value-twice",
        "target-mixed-types",
        "target-floats",
        "positive-not-a-value",
        "not-a-mapping",
        "top-unknown-key",
        "no-columns",
        "columns-not-mapping",
        "target-among-columns",
        "no-feature",
    ],
)
def test_a_malformed_contract_is_refused_with_one_whole_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert _refusal(tmp_path, text) == expected


def test_a_contract_is_read_into_its_rules(tmp_path: Path) -> None:
    """Every key lands where it belongs; bounds become floats, categories text."""
    contract = _load(tmp_path, CONTRACT, "contract.yaml")
    assert (contract.name, contract.description) == (
        "mini",
        "one column of each type, for unit tests",
    )
    assert [(rule.name, rule.dtype, rule.minimum, rule.maximum) for rule in contract.columns] == [
        ("id", "int", None, None),
        ("age", "int", 0.0, 120.0),
        ("height", "float", 0.5, 2.5),
        ("colour", "category", None, None),
        ("member", "bool", None, None),
    ]
    assert [(rule.nullable, rule.unique, rule.feature) for rule in contract.columns] == [
        (False, True, False),
        (False, False, True),
        (True, False, True),
        (False, False, True),
        (False, False, True),
    ]
    assert contract.columns[3].categories == ("red", "green", "blue")
    assert contract.feature_columns == ["age", "height", "colour", "member"]
    assert contract.numeric_features == ["age", "height"]
    assert contract.categorical_features == ["colour", "member"]
    assert (contract.target.column, contract.target.values) == ("label", ("no", "yes"))
    assert (contract.target.positive, contract.target.negative) == ("yes", "no")


def test_name_and_description_may_be_left_out(tmp_path: Path) -> None:
    """The name is then the file's stem and the description empty."""
    text = CONTRACT.replace("name: mini\n", "").replace(
        "description: one column of each type, for unit tests\n", ""
    )
    contract = _load(tmp_path, text)
    assert (contract.name, contract.description) == ("mini", "")
    renamed = tmp_path / "churn_2024.yaml"
    renamed.write_text(text, encoding="utf-8")
    assert load_contract(renamed, "label").name == "churn_2024"


def test_one_feature_column_is_a_contract(tmp_path: Path) -> None:
    contract = _load(tmp_path, TARGET + "columns:\n" + AGE + "\n")
    assert contract.feature_columns == ["age"]


def test_one_category_is_a_list_of_categories(tmp_path: Path) -> None:
    contract = _load(tmp_path, _edited(COLOUR, "  colour: {dtype: category, categories: [red]}"))
    assert contract.columns[3].categories == ("red",)


def test_free_text_kept_out_of_the_model_needs_no_categories(tmp_path: Path) -> None:
    """A comment or an id column: text that is no feature, with any value allowed."""
    contract = _load(
        tmp_path, _edited(MEMBER, MEMBER + "\n  comment: {dtype: category, feature: false}")
    )
    comment = contract.columns[-1]
    assert (comment.name, comment.categories, comment.feature) == ("comment", None, False)
    assert "comment" not in contract.feature_columns
    frame = mini_frame().assign(comment="anything at all")
    checked = validate_frame(frame, contract, "frame")
    assert checked["comment"].eq("anything at all").all()


@pytest.mark.parametrize(
    ("target", "dtype", "negative"),
    [
        ("values: [0, 1]\n  positive: 1", "int", 0),
        ("values: [true, false]\n  positive: false", "bool", True),
        ('values: ["no", "yes"]\n  positive: "no"', "category", "yes"),
    ],
)
def test_the_target_type_follows_its_values(
    tmp_path: Path, target: str, dtype: str, negative: object
) -> None:
    contract = _load(tmp_path, _edited('values: ["no", "yes"]\n  positive: "yes"', target))
    assert contract.target.dtype == dtype
    assert contract.target.negative == negative


def _ages(contract: Contract, ages: list[int]) -> pd.DataFrame:
    frame = mini_frame(rows=len(ages)).assign(age=ages)
    return validate_frame(frame, contract, "frame")


@pytest.mark.parametrize(
    ("rule", "inside", "outside", "broken"),
    [
        ("  age: {dtype: int, min: 0}", [0, 10**9], -1, "greater_than_or_equal_to(0.0)"),
        ("  age: {dtype: int, max: 120}", [-(10**9), 120], 121, "less_than_or_equal_to(120.0)"),
    ],
    ids=["min-only", "max-only"],
)
def test_a_bound_may_be_given_alone(
    tmp_path: Path, rule: str, inside: list[int], outside: int, broken: str
) -> None:
    """Only ``min`` (or only ``max``): the other side is open, however far."""
    contract = _load(tmp_path, _edited(AGE, rule))
    assert _ages(contract, inside)["age"].tolist() == inside
    with pytest.raises(ContractViolationError) as error:
        _ages(contract, [*inside, outside])
    assert f"column 'age' breaks rule {broken} in 1 row(s) (line 4: {outside})" in str(error.value)


def test_a_missing_contract_says_where_it_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ContractError) as error:
        load_contract(path, "label")
    assert str(error.value) == (
        f"{path}: contract not found (params.yaml data.contract names it; "
        "see docs/adding-a-dataset.md)"
    )


def test_a_folder_named_as_the_contract_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as error:
        load_contract(tmp_path, "label")
    assert str(error.value) == f"{tmp_path}: is a directory (expected a contract YAML file)"
