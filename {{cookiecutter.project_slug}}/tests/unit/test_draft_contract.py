"""draft-contract: a first contract from a CSV file, which accepts the data it came from."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import validate
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.draft import draft, infer_target, run
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


def test_a_target_of_three_text_values_is_multiclass_in_sorted_order() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["c", "a", "b"]})
    text = draft(frame, "label", "three", "three.csv")
    assert yaml.safe_load(text)["target"] == {"classes": ["a", "b", "c"]}
    assert (
        "target:  # multiclass: 3 distinct values, in sorted order: the order of predict's"
        " probability columns" in text.splitlines()
    )


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
    assert line.startswith("  note: {dtype: text}  # free text? 70 distinct")


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


def test_a_date_column_is_drafted_as_datetime_with_widened_whole_day_bounds(
    tmp_path: Path,
) -> None:
    dates = pd.date_range("2007-11-01", periods=30, freq="3D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date_egg": dates, "x": np.arange(30) * 0.5, "label": np.arange(30) % 2})
    frame.loc[4, "date_egg"] = None
    line = drafted(tmp_path, frame)["date_egg"]
    # 2007-11-01 .. 2008-01-27 spans 87 days: half of it (43.5 days) on each side.
    assert line == (
        "  date_egg: {dtype: datetime, min: 2007-09-18, max: 2008-03-11, nullable: true}"
        "  # observed 2007-11-01 .. 2008-01-27; 1 empty"
    )


@pytest.mark.parametrize(
    ("dates", "rules", "note"),
    [
        (
            ["2024-01-31 08:00", "2024-02-01T09:30:00Z"],
            "{dtype: datetime, min: 2024-01-30, max: 2024-02-02}",
            "observed 2024-01-31 08:00 .. 2024-02-01T09:30:00Z",
        ),
        (
            ["31/01/2024", "15/02/2024"],
            '{dtype: datetime, format: "%d/%m/%Y", min: 2024-01-23, max: 2024-02-23}',
            "observed 31/01/2024 .. 15/02/2024",
        ),
        (
            ["01/31/2024", "02/15/2024"],
            '{dtype: datetime, format: "%m/%d/%Y", min: 2024-01-23, max: 2024-02-23}',
            "observed 01/31/2024 .. 02/15/2024",
        ),
        (
            ["01/02/2024", "03/04/2024"],
            '{dtype: datetime, format: "%d/%m/%Y", min: 2024-01-01, max: 2024-05-04}',
            "observed 01/02/2024 .. 03/04/2024; day or month first? %d/%m/%Y and %m/%d/%Y "
            "both read every value",
        ),
        (
            ["2024/01/31", "2024/02/15"],
            '{dtype: datetime, format: "%Y/%m/%d", min: 2024-01-23, max: 2024-02-23}',
            "observed 2024/01/31 .. 2024/02/15",
        ),
        (
            ["31.01.2024", "15.02.2024"],
            '{dtype: datetime, format: "%d.%m.%Y", min: 2024-01-23, max: 2024-02-23}',
            "observed 31.01.2024 .. 15.02.2024",
        ),
        (
            ["1677-09-22", "2262-04-10"],  # beyond what nanoseconds hold: fine
            "{dtype: datetime, min: 1385-06-14, max: 2554-07-19}",
            "observed 1677-09-22 .. 2262-04-10",
        ),
    ],
    ids=["iso-times", "day-first", "month-first", "ambiguous", "year-first", "dotted", "limits"],
)
def test_a_date_spelling_gets_its_format_and_bounds(
    dates: list[str], rules: str, note: str
) -> None:
    frame = pd.DataFrame({"when": dates, "label": [0, 1]})
    lines = draft(frame, "label", "days", "days.csv").splitlines()
    assert f"  when: {rules}  # {note}" in lines, lines[-1]


def test_a_drafted_date_contract_reads_back_and_accepts_its_own_data(tmp_path: Path) -> None:
    """The drafted bounds and format are what the contract reads: the sample passes."""
    dates = pd.date_range("2023-12-30", periods=40, freq="29h").strftime("%d/%m/%Y %H:%M")
    frame = pd.DataFrame({"when": dates, "x": np.arange(40) * 0.5, "label": np.arange(40) % 2})
    csv = tmp_path / "dated.csv"
    frame.to_csv(csv, index=False)
    output = tmp_path / "dated.yaml"
    run(csv, "label", output)
    contract = load_contract(output, "label")
    rule = next(rule for rule in contract.columns if rule.name == "when")
    assert rule.date_format == "%d/%m/%Y %H:%M"
    assert read_dataset(csv, contract)["when"].iloc[-1] == pd.Timestamp(dates[-1].replace("/", "-"))


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


def _every_kind_of_column(rows: int = 60) -> pd.DataFrame:
    index = np.arange(rows)
    return pd.DataFrame(
        {
            "id": index + 1,
            "code": [f"C{number:03d}" for number in index],
            "visits": index % 7,
            "weight_kg": index % 20 + 60,
            "score": np.where(index % 25 == 3, np.nan, index * 0.25),
            "member": index % 3 == 0,
            "colour": np.array(["red", "green", "blue"])[index % 3],
            "note": [f"note {number % 55}" for number in index],
            "joined": pd.date_range("2021-03-01", periods=rows, freq="7D").strftime("%Y-%m-%d"),
            "label": np.array(["no", "yes"])[index % 2],
        }
    )


def test_a_draft_reads_in_full() -> None:
    """What the reviewer reads: every kind of column, its rules and why, line by line."""
    text = draft(_every_kind_of_column(), "label", "people", "data/external/people.csv")
    assert text.splitlines() == [
        "# Draft contract for data/external/people.csv, written by draft-contract: review"
        " every line",
        "# (docs/adding-a-dataset.md). Bounds are widened beyond the observed range.",
        "# int: whole numbers written without a decimal point, in a column whose name",
        "# does not name a measurement (weight, length, price, _kg, _mm, ...); measurements",
        "# are float even when this sample's values are whole. Dates become calendar",
        "# features (dtype datetime); free text (dtype text) is checked, not learned from.",
        "name: people",
        'description: "people (60 rows)"',
        "target:  # binary: 2 distinct values",
        "  values: ['no', 'yes']",
        "  positive: 'yes'  # the class whose probability the model reports: choose deliberately",
        "columns:",
        "  id: {dtype: int, unique: true, feature: false}"
        "  # every value distinct: an identifier? if not, feature: true and bounds",
        "  code: {dtype: category, unique: true, feature: false}"
        "  # every value distinct: an identifier?",
        "  visits: {dtype: int, min: 0, max: 9}  # observed 0 .. 6",
        "  weight_kg: {dtype: float, min: 50, max: 89}  # observed 60 .. 79; whole numbers"
        " here, but 'kg' names a measurement: float, so 70.5 is accepted too",
        "  score: {dtype: float, min: 0, max: 23, nullable: true}  # observed 0 .. 14.75; 3 empty",
        "  member: {dtype: bool}",
        "  colour: {dtype: category, categories: [blue, green, red]}",
        "  note: {dtype: text}  # free text? 55 distinct values, more than 50 categories:"
        " kept for reference and checked, not learned from",
        "  joined: {dtype: datetime, min: 2020-08-06, max: 2022-11-11}"
        "  # observed 2021-03-01 .. 2022-04-18",
    ]
    assert text.endswith("\n")


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ([10000.0, 12345.0], "min: 8800, max: 14000"),  # 2 significant digits, outwards
        ([-12.3, -4.56], "min: -17, max: -0.68"),  # a negative column keeps a negative min
        ([101.0, 199.0], "min: 52, max: 250"),
        ([0.013, 0.027], "min: 0.0059, max: 0.034"),
        ([-250.0, 750.0], "min: -750, max: 1300"),
        ([0.5, 2.5], "min: 0, max: 3.5"),  # no negative min for a column without one
        ([0.2, 0.6], "min: 0, max: 0.8"),  # 0.2 - 0.2 is 0, not 2.7e-17
        ([0.0, 0.0], "min: 0, max: 0"),
        ([1e-15, 3e-15], "min: 0, max: 4.0e-15"),  # tiny values keep their bounds
    ],
)
def test_float_bounds_are_rounded_outwards_to_two_digits(values: list[float], bounds: str) -> None:
    frame = pd.DataFrame({"size": values, "label": [0, 1]})
    line = draft(frame, "label", "sizes", "sizes.csv").splitlines()[-1]
    assert line.startswith("  size: {dtype: float, " + bounds + "}  # observed ")
    rule = yaml.safe_load(draft(frame, "label", "sizes", "sizes.csv"))["columns"]["size"]
    assert rule["min"] <= min(values)  # numbers (1e-05 would read as text), holding the data
    assert rule["max"] >= max(values)


def test_tiny_values_get_bounds_that_hold_them(tmp_path: Path) -> None:
    """Bounds were rounded to 12 decimals: 0 .. 0.0 for values near 1e-15."""
    frame = pd.DataFrame({"charge": [1e-15, 2e-15, 3e-15, 1.5e-15], "label": [0, 1, 0, 1]})
    assert drafted(tmp_path, frame)["charge"].startswith(
        "  charge: {dtype: float, min: 0, max: 4.0e-15}"
    )


def test_column_names_that_need_quotes_stay_on_one_line() -> None:
    long = "x" * 100 + " per: " + "z " * 40
    frame = pd.DataFrame({"two\nlines": [1.5, 2.5], long: [1.5, 2.5], "label": ["a", "b"]})
    text = draft(frame, "label", "odd", "odd.csv")
    assert set(yaml.safe_load(text)["columns"]) == {"two\nlines", long}
    assert '  "two\\nlines": {dtype: float, min: 1.0, max: 3.0}  # observed 1.5 .. 2.5' in text
    assert len(text.splitlines()) == 14


@pytest.mark.parametrize(("rows", "identifier"), [(50, False), (51, True)])
def test_every_value_distinct_is_an_identifier_only_beyond_50_rows(
    rows: int, identifier: bool
) -> None:
    frame = pd.DataFrame(
        {
            "number": np.arange(rows) + 100,
            "code": [f"K{index}" for index in range(rows)],
            "label": np.arange(rows) % 2,
        }
    )
    columns = yaml.safe_load(draft(frame, "label", "ids", "ids.csv"))["columns"]
    assert columns["number"].get("unique", False) is identifier
    assert ("min" not in columns["number"]) is identifier
    assert columns["code"].get("unique", False) is identifier
    assert ("categories" not in columns["code"]) is identifier


@pytest.mark.parametrize(("distinct", "listed"), [(50, True), (51, False)])
def test_at_most_50_categories_are_listed(distinct: int, listed: bool) -> None:
    rows = 2 * distinct
    words = [f"word {index % distinct}" for index in range(rows)]
    frame = pd.DataFrame({"word": words, "label": np.arange(rows) % 2})
    rule = yaml.safe_load(draft(frame, "label", "words", "words.csv"))["columns"]["word"]
    if listed:
        assert rule == {"dtype": "category", "categories": sorted(set(words))}
    else:
        assert rule == {"dtype": "text"}


def test_a_measurement_in_capitals_is_float() -> None:
    frame = pd.DataFrame({"Weight": [60, 70], "PRICE": [3, 4], "Count": [1, 2], "label": [0, 1]})
    columns = yaml.safe_load(draft(frame, "label", "caps", "caps.csv"))["columns"]
    assert columns["Weight"]["dtype"] == "float"
    assert columns["PRICE"]["dtype"] == "float"
    assert columns["Count"]["dtype"] == "int"


def test_numbers_written_with_an_exponent_are_float(tmp_path: Path) -> None:
    text = "upper,lower,plain,label\n" + "".join(
        f"{index}E3,{index}e3,{index},{index % 2}\n" for index in range(1, 9)
    )
    lines = drafted(tmp_path, pd.DataFrame(), text)
    assert "{dtype: float, " in lines["upper"]
    assert "{dtype: float, " in lines["lower"]
    assert "{dtype: int, " in lines["plain"]


def test_without_the_file_text_the_parsed_type_decides() -> None:
    frame = pd.DataFrame({"count": [3, 5], "whole": [3.0, 5.0], "label": [0, 1]})
    columns = yaml.safe_load(draft(frame, "label", "parsed", "parsed.csv"))["columns"]
    assert columns["count"] == {"dtype": "int", "min": 2, "max": 6}
    assert columns["whole"] == {"dtype": "float", "min": 2.0, "max": 6.0}


def test_dates_written_two_ways_are_named_and_kept_out_of_the_model(tmp_path: Path) -> None:
    dates = ["2007-11-01", "11/02/2007", "2007-11-03", "11/04/2007"] * 5
    frame = pd.DataFrame({"laid": dates, "x": np.arange(20) * 0.5, "label": np.arange(20) % 2})
    line = drafted(tmp_path, frame)["laid"]
    assert line == (
        "  laid: {dtype: category, feature: false}  # dates written in more than one way:"
        " kept out of the model; write them one way (ISO 8601: 2024-01-31), then draft again"
        " for dtype datetime"
    )


def test_a_date_that_does_not_exist_makes_categories() -> None:
    frame = pd.DataFrame({"laid": ["2007-02-28", "2007-02-30"], "label": [0, 1]})
    rule = yaml.safe_load(draft(frame, "label", "days", "days.csv"))["columns"]["laid"]
    assert rule == {"dtype": "category", "categories": ["2007-02-28", "2007-02-30"]}


def test_an_empty_column_is_refused_by_name() -> None:
    frame = pd.DataFrame({"blank": [np.nan, np.nan], "label": [0, 1]})
    with pytest.raises(InputError) as error:
        draft(frame, "label", "blank", "blank.csv")
    assert str(error.value) == "column 'blank': every cell is empty; drop it from the CSV"


def test_a_missing_target_is_named_with_the_columns_found() -> None:
    frame = pd.DataFrame({"x": [1.0], "y": [2.0]})
    with pytest.raises(InputError) as error:
        draft(frame, "label", "none", "none.csv")
    assert str(error.value) == "none.csv: no target column 'label'; found ['x', 'y']"


def test_a_target_of_many_text_values_is_refused_showing_the_first_ten() -> None:
    frame = pd.DataFrame({"x": np.arange(42) * 0.5, "label": [f"k{i % 21:02d}" for i in range(42)]})
    with pytest.raises(InputError) as error:
        draft(frame, "label", "many", "many.csv")
    assert str(error.value) == (
        "many.csv: target 'label' has 21 distinct text values ['k00', 'k01', 'k02', 'k03',"
        " 'k04', 'k05', 'k06', 'k07', 'k08', 'k09'] ...; expected 2 classes (binary), 3 to 20"
        " classes (multiclass) or numbers (regression): more than 20 text values are free"
        " text or an identifier, not classes"
    )


def test_numeric_classes_are_in_numeric_order_the_larger_positive() -> None:
    frame = pd.DataFrame({"x": [1.5, 2.5, 3.5], "label": [10, 2, 10]})
    assert yaml.safe_load(draft(frame, "label", "n", "n.csv"))["target"] == {
        "values": [2, 10],
        "positive": 10,
    }


def test_rows_without_a_target_are_counted(tmp_path: Path) -> None:
    """A True/False target with gaps: drafted as bool, as without gaps; validate drops them."""
    source = tmp_path / "flags.csv"
    source.write_text(
        "x,label\n"
        + "".join(
            f"{index * 0.5},{'' if index in (2, 7) else ('True', 'False')[index % 2]}\n"
            for index in range(12)
        ),
        encoding="utf-8",
    )
    output = tmp_path / "flags.yaml"
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    assert "  values: [false, true]  # 2 row(s) without a target: validate drops them" in lines
    assert (
        "  positive: true  # the class whose probability the model reports: choose"
        " deliberately" in lines
    )
    contract = load_contract(output, "label")
    checked = validate.check(validate.read_raw(source, contract), contract, str(source))
    assert (len(checked.frame), checked.unlabelled) == (10, 2)


def test_the_draft_goes_to_stdout_without_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    frame = _every_kind_of_column()
    frame.to_csv(source, index=False)
    assert main(["draft-contract", str(source), "--target", "label"]) == 0
    out, err = capsys.readouterr()
    assert out == draft(frame, "label", "people", str(source), pd.read_csv(source, dtype=str))
    assert out.startswith(f"# Draft contract for {source}, written by")
    # What was inferred goes to stderr: stdout stays a contract to redirect to a file.
    assert err == "draft-contract: target 'label' inferred as binary: 2 distinct values\n"


def test_the_contract_is_named_after_the_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "export-2024.csv"
    mini_frame().to_csv(source, index=False)
    output = tmp_path / "members.yaml"
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 0
    assert capsys.readouterr().out == (
        "draft-contract: target 'label' inferred as binary: 2 distinct values\n"
        f"draft-contract: wrote {output}; review it before `dvc repro`\n"
    )
    text = output.read_text(encoding="utf-8")
    assert text.startswith(f"# Draft contract for {source}, written by")
    assert "\nname: members\n" in text
    assert load_contract(output, "label").name == "members"


# The task, inferred from the target (issue 9). The rule: text and true/false are
# classes (2 binary, 3 to 20 multiclass, more refused); numbers are regression, except
# whole numbers with few distinct values: 2 are binary, 3 to 20 are class codes when the
# column would be drafted int (no decimal point in the file, no measurement in its name).


def draft_target(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[Contract, list[str], str]:
    """Draft ``text`` (a CSV file with a ``label`` column) through the command.

    The contract is loaded and the file read against it (the draft accepts its own
    data); returns the contract, the lines under ``target:`` and what was printed.
    """
    source = tmp_path / "sample.csv"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "sample.yaml"
    capsys.readouterr()
    assert main(["draft-contract", str(source), "--target", "label", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    contract = load_contract(output, "label")
    checked = validate.check(validate.read_raw(source, contract), contract, str(source))
    assert len(checked.frame) + checked.unlabelled == len(pd.read_csv(source))
    lines = output.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("target:")))
    end = lines.index("columns:")
    return contract, lines[start:end], printed


def csv_of(labels: list[str]) -> str:
    """A CSV file of a float feature and the ``label`` column, written as given."""
    return "x,label\n" + "".join(f"{index * 0.5},{label}\n" for index, label in enumerate(labels))


def test_two_text_values_are_binary_and_the_larger_positive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract, lines, printed = draft_target(tmp_path, csv_of(["Yes", "No"] * 5), capsys)
    assert (contract.target.task, contract.target.values) == ("binary", ("No", "Yes"))
    assert contract.target.positive == "Yes"
    assert lines == [
        "target:  # binary: 2 distinct values",
        "  values: ['No', 'Yes']",
        "  positive: 'Yes'  # the class whose probability the model reports: choose deliberately",
    ]
    assert printed.splitlines()[0] == (
        "draft-contract: target 'label' inferred as binary: 2 distinct values"
    )


def test_three_text_classes_are_multiclass_with_gaps_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = ["Gentoo", "Adelie", "", "Chinstrap", "Adelie", "", "Gentoo", "Chinstrap"]
    contract, lines, printed = draft_target(tmp_path, csv_of(labels), capsys)
    assert contract.target.task == "multiclass"
    assert contract.target.classes == ("Adelie", "Chinstrap", "Gentoo")
    assert lines == [
        "target:  # multiclass: 3 distinct values, in sorted order: the order of predict's"
        " probability columns",
        "  classes: [Adelie, Chinstrap, Gentoo]  # 2 row(s) without a target: validate drops them",
    ]
    assert printed.splitlines()[0] == (
        "draft-contract: target 'label' inferred as multiclass: 3 distinct values, in sorted"
        " order: the order of predict's probability columns"
    )


def test_whole_number_codes_are_multiclass_in_numeric_order_with_regression_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Codes 2, 3, 10 (not '10' < '2'); the comment gives the form for a count."""
    contract, lines, printed = draft_target(tmp_path, csv_of(["10", "2", "3", "", "2"]), capsys)
    assert (contract.target.task, contract.target.classes) == ("multiclass", (2, 3, 10))
    assert contract.target.dtype == "int"
    comment = (
        "multiclass: 3 distinct whole numbers (20 at most: class codes, in numeric order);"
        " a count or a score? then regression: target: {dtype: int, min: 0, max: 14}"
    )
    assert lines == [
        f"target:  # {comment}",
        "  classes: [2, 3, 10]  # 1 row(s) without a target: validate drops them",
    ]
    assert printed.splitlines()[0] == f"draft-contract: target 'label' inferred as {comment}"


def test_the_regression_form_a_comment_names_is_a_contract_that_holds_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reviewer switches by pasting the alternative: it loads and accepts the file."""
    _, lines, _ = draft_target(tmp_path, csv_of(["10", "2", "3", "2"]), capsys)
    alternative = lines[0].split("then regression: ", 1)[1]
    output = tmp_path / "sample.yaml"
    text = output.read_text(encoding="utf-8").replace("\n".join(lines), alternative)
    output.write_text(text, encoding="utf-8")
    contract = load_contract(output, "label")
    assert (contract.target.task, contract.target.number) == ("regression", "int")
    assert (contract.target.minimum, contract.target.maximum) == (0, 14)
    assert len(read_dataset(tmp_path / "sample.csv", contract)) == 4


@pytest.mark.parametrize(("distinct", "task"), [(20, "multiclass"), (21, "regression")])
def test_at_most_20_whole_numbers_are_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], distinct: int, task: str
) -> None:
    labels = [str(index % distinct) for index in range(2 * distinct)]
    contract, lines, _ = draft_target(tmp_path, csv_of(labels), capsys)
    assert contract.target.task == task
    if task == "multiclass":
        assert contract.target.classes == tuple(range(distinct))
    else:
        assert contract.target.number == "int"
        assert lines == [
            "target:  # regression: 21 distinct numbers, observed 0 .. 20; whole numbers,"
            " more than 20: a quantity, not class codes",
            "  dtype: int",
            "  min: 0",
            "  max: 30",
        ]


def test_many_whole_numbers_are_an_int_regression_with_whole_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = [str(7 * index - 50) for index in range(30)]  # -50 .. 153
    contract, lines, printed = draft_target(tmp_path, csv_of(labels), capsys)
    assert (contract.target.task, contract.target.number) == ("regression", "int")
    assert (contract.target.minimum, contract.target.maximum) == (-160, 260)
    assert lines[1:] == ["  dtype: int", "  min: -160", "  max: 260"]
    assert printed.startswith(
        "draft-contract: target 'label' inferred as regression: 30 distinct numbers, "
        "observed -50 .. 153; whole numbers, more than 20"
    )


def test_many_decimal_numbers_are_a_float_regression_with_widened_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bounds as a column's: widened by half the range, from 0 when nothing is negative."""
    labels = [f"{2700 + 37.5 * index}" for index in range(97)] + ["", ""]
    contract, lines, printed = draft_target(tmp_path, csv_of(labels), capsys)
    assert (contract.target.task, contract.target.number) == ("regression", "float")
    assert lines == [
        "target:  # regression: 97 distinct numbers, observed 2700 .. 6300",
        "  dtype: float  # 2 row(s) without a target: validate drops them",
        "  min: 900",
        "  max: 8100",
    ]
    assert printed.splitlines()[0] == (
        "draft-contract: target 'label' inferred as regression: 97 distinct numbers,"
        " observed 2700 .. 6300"
    )
    assert contract.target.classes == ()


def test_whole_numbers_written_with_a_decimal_point_are_regression_naming_the_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract, lines, _ = draft_target(tmp_path, csv_of(["1.0", "2.0", "5.0", "2.0"]), capsys)
    assert (contract.target.task, contract.target.number) == ("regression", "float")
    assert lines[0] == (
        "target:  # regression: 3 distinct numbers, observed 1 .. 5; whole numbers here,"
        " but written with a decimal point; class codes? then multiclass: target:"
        " {classes: [1, 2, 5]}"
    )


def test_whole_numbers_named_as_a_measurement_are_regression_naming_the_classes() -> None:
    frame = pd.DataFrame({"x": np.arange(6) * 0.5, "mass_kg": [60, 61, 62, 60, 61, 62]})
    text = draft(frame, "mass_kg", "birds", "birds.csv")
    assert yaml.safe_load(text)["target"] == {"dtype": "float", "min": 59, "max": 63}
    assert (
        "target:  # regression: 3 distinct numbers, observed 60 .. 62; whole numbers here,"
        " but 'kg' names a measurement: float, so 70.5 is accepted too; class codes? then"
        " multiclass: target: {classes: [60, 61, 62]}" in text.splitlines()
    )


def test_int_codes_with_gaps_read_as_float_stay_int_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pandas reads 1, <empty>, 2 as floats; the file's text says whole: codes still."""
    contract, _, _ = draft_target(tmp_path, csv_of(["1", "", "2", "3", "1", ""]), capsys)
    assert (contract.target.task, contract.target.classes) == ("multiclass", (1, 2, 3))


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("{:.1f}", ""),  # 3750.0: float, nothing more to say
        (
            "{:.0f}",
            "; whole numbers here, but 'g' names a measurement: float, so 70.5 is accepted too",
        ),
    ],
    ids=["decimal-point", "measurement"],
)
def test_many_whole_numbers_that_are_float_are_regression_without_classes_named(
    written: str, note: str
) -> None:
    """Grams, whole in this sample: a mass, with no class codes to offer instead."""
    frame = pd.DataFrame({"x": np.arange(30) * 0.5, "body_mass_g": 2700 + 25 * np.arange(30)})
    texts = frame.map(written.format)
    lines = draft(frame, "body_mass_g", "birds", "birds.csv", texts).splitlines()
    start = lines.index("columns:") - 4
    assert lines[start : start + 4] == [
        f"target:  # regression: 30 distinct numbers, observed 2700 .. 3425{note}",
        "  dtype: float",
        "  min: 2300",
        "  max: 3800",
    ]


def test_two_whole_numbers_are_binary_even_written_as_floats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract, lines, _ = draft_target(tmp_path, csv_of(["0.0", "1.0", "", "1.0"]), capsys)
    assert (contract.target.task, contract.target.values) == ("binary", (0, 1))
    assert lines[1] == "  values: [0, 1]  # 1 row(s) without a target: validate drops them"


def test_two_fractional_numbers_are_regression_not_classes() -> None:
    """A class is an integer, a string or true/false: 0.5 and 1.5 are measurements."""
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "score": [0.5, 1.5, 0.5]})
    target = yaml.safe_load(draft(frame, "score", "s", "s.csv"))["target"]
    assert target == {"dtype": "float", "min": 0, "max": 2.0}


@pytest.mark.parametrize(
    ("labels", "found"),
    [
        (["yes", "yes", None], "1 distinct value ['yes'] in 2 row(s)"),
        ([3, 3, 3], "1 distinct value [3] in 3 row(s)"),
        ([2.5, 2.5, None], "1 distinct value [2.5] in 2 row(s)"),
        ([True, True, True], "1 distinct value [True] in 3 row(s)"),
    ],
    ids=["text", "int", "float", "bool"],
)
def test_a_target_of_one_value_is_refused(labels: list[object], found: str) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "label": labels})
    with pytest.raises(InputError) as error:
        draft(frame, "label", "one", "one.csv")
    assert str(error.value) == (
        f"one.csv: target 'label' has {found}; expected 2 classes (binary), 3 to 20 classes"
        " (multiclass) or numbers (regression)"
    )


def test_an_empty_target_is_refused() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "label": [np.nan, np.nan]})
    with pytest.raises(InputError) as error:
        draft(frame, "label", "none", "none.csv")
    assert str(error.value) == (
        "none.csv: target 'label': every one of 2 cell(s) is empty; expected 2 classes"
        " (binary), 3 to 20 classes (multiclass) or numbers (regression)"
    )


@pytest.mark.parametrize(
    ("labels", "task"),
    [
        (["a", "b"] * 3, "binary"),
        (["a", "b", "c"] * 2, "multiclass"),
        ([True, False] * 3, "binary"),
        ([1, 2, 3] * 2, "multiclass"),
        ([0.25, 1.5, 3.0, 4.5, 6.0, 7.25], "regression"),
    ],
)
def test_each_inferred_task_is_the_task_the_contract_loads(
    tmp_path: Path, labels: list[object], task: str
) -> None:
    frame = pd.DataFrame({"x": np.arange(6) * 0.5, "label": labels})
    assert infer_target("label", frame["label"]).task == task
    output = tmp_path / "contract.yaml"
    output.write_text(draft(frame, "label", "c", "c.csv"), encoding="utf-8")
    assert load_contract(output, "label").target.task == task
