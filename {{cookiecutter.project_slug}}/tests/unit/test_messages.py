"""Error messages say where the problem is, in the user's own terms.

They name the file the user gave (not only ``data/raw/dataset.csv``), quote offending
values as written (``'n/a'``, not ``nan``) and at a readable length, say "is a
directory" for a folder, and never show a numpy repr such as ``np.int64(1)``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data import ingest, validate
from {{ cookiecutter.package_name }}.data.contract import (
    ContractError,
    ContractViolationError,
    load_contract,
    read_dataset,
)
from {{ cookiecutter.package_name }}.data.files import DataFileError, read_csv
from {{ cookiecutter.package_name }}.errors import InputError, quote, quote_all
from {{ cookiecutter.package_name }}.models.evaluate import load_model

from tests.unit.mini_dataset import mini_frame, write_project

HUGE = 5_000_000


def _source_params(tmp_path: Path, frame_text: str) -> Params:
    """The mini project, with a CSV source the user gave in data/external/."""
    params = write_project(tmp_path)
    source = tmp_path / "data" / "external" / "people.csv"
    source.parent.mkdir(parents=True)
    source.write_text(frame_text, encoding="utf-8")
    return dataclasses.replace(params, data=dataclasses.replace(params.data, source=str(source)))


def _pipeline_error(params: Params) -> str:
    """Run ingest then validate; return validate's message."""
    ingest.run(params)
    with pytest.raises(InputError) as error:
        validate.run(params)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_validate_names_the_source_file_the_user_gave(tmp_path: Path) -> None:
    frame = mini_frame()
    frame.loc[3, "age"] = 999
    params = _source_params(tmp_path, frame.to_csv(index=False))
    message = _pipeline_error(params)
    assert message.startswith(
        f"{params.data.raw_path} (ingested from {params.data.source}): 1 problem(s)"
    )
    assert "line 5: 999" in message


def test_missing_value_is_quoted_as_written(tmp_path: Path) -> None:
    """``n/a`` in a required column: the message shows 'n/a', as in the user's file."""
    text = mini_frame().to_csv(index=False).splitlines()
    cells = text[4].split(",")
    cells[1] = "n/a"  # age
    text[4] = ",".join(cells)
    params = _source_params(tmp_path, "\n".join(text) + "\n")
    message = _pipeline_error(params)
    assert "column 'age' breaks rule not_nullable in 1 row(s) (line 5: 'n/a')" in message
    assert "nan" not in message.lower().replace("not_nullable", "")


def test_missing_value_read_directly_is_quoted_as_written(tmp_path: Path) -> None:
    params = write_project(tmp_path)
    raw = Path(params.data.raw_path)
    lines = raw.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[1] = "NA"
    lines[2] = ",".join(cells)
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContractViolationError, match=r"\(line 3: 'NA'\)"):
        read_dataset(raw, load_contract(params.data.contract, "label"))


def test_empty_cell_is_called_empty(tmp_path: Path) -> None:
    frame = mini_frame()
    frame["colour"] = frame["colour"].astype(object)
    frame.loc[0, "colour"] = None
    params = write_project(tmp_path, frame)
    with pytest.raises(
        ContractViolationError, match=r"not_nullable in 1 row\(s\) \(line 2: empty\)"
    ):
        read_dataset(params.data.raw_path, load_contract(params.data.contract, "label"))


def test_a_huge_cell_is_quoted_short_with_its_length(tmp_path: Path) -> None:
    """A 5 MB cell used to put a 5-million-character line on the terminal."""
    frame = mini_frame()
    frame["colour"] = frame["colour"].astype(object)
    frame.loc[0, "colour"] = "x" * HUGE
    params = write_project(tmp_path, frame)
    with pytest.raises(ContractViolationError) as error:
        read_dataset(params.data.raw_path, load_contract(params.data.contract, "label"))
    message = str(error.value)
    assert len(message) < 1000
    assert f"'{'x' * 80}'... (5,000,000 characters)" in message


def test_a_huge_column_name_is_quoted_short(tmp_path: Path) -> None:
    frame = mini_frame().rename(columns={"member": "m" * HUGE})
    params = write_project(tmp_path, frame)
    with pytest.raises(ContractViolationError) as error:
        read_dataset(params.data.raw_path, load_contract(params.data.contract, "label"))
    message = str(error.value)
    assert len(message) < 1000
    assert "unexpected column (not in the contract) 'mmm" in message
    assert "(5,000,000 characters)" in message


def test_a_source_without_the_target_lists_columns_short(tmp_path: Path) -> None:
    names = [f"column_{number}_{'y' * 200}" for number in range(50)]
    source = tmp_path / "wide.csv"
    source.write_text(",".join(names) + "\n" + ",".join("1" * 50) + "\n", encoding="utf-8")
    with pytest.raises(ingest.SourceError) as error:
        ingest.load_source(str(source), "label")
    message = str(error.value)
    assert len(message) < 1500
    assert "... and 40 more]" in message


@pytest.mark.parametrize("reader", ["csv", "contract", "model"])
def test_a_directory_is_called_a_directory(tmp_path: Path, reader: str) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    readers = {
        "csv": (DataFileError, lambda: read_csv(folder)),
        "contract": (ContractError, lambda: load_contract(folder, "label")),
        "model": (InputError, lambda: load_model(folder)),
    }
    kind, read = readers[reader]
    with pytest.raises(kind, match=rf"^{folder}: is a directory \(expected"):
        read()


def test_a_corrupt_model_is_named(tmp_path: Path) -> None:
    model = tmp_path / "model.joblib"
    model.write_bytes(b"not a pickle")
    with pytest.raises(InputError, match=rf"^{model}: not a model saved by train"):
        load_model(model)


def test_class_balance_error_names_the_file_and_shows_plain_labels() -> None:
    """Was: ``target 'target': ... found {np.int64(1): 357, np.int64(0): 1}``."""
    frame = pd.DataFrame({"x": range(6), "target": [1, 1, 1, 1, 1, 0]})
    with pytest.raises(InputError) as error:
        validate.split(frame, "target", 0.25, seed=0, source="data/raw/dataset.csv")
    message = str(error.value)
    assert message == (
        "data/raw/dataset.csv: target 'target': a stratified split needs at least 2 rows of "
        "each of 2 classes; found class 1 in 5 row(s), class 0 in 1 row(s)"
    )


def test_class_balance_error_in_the_stage_names_the_source(tmp_path: Path) -> None:
    frame = mini_frame()
    frame["label"] = "no"
    frame.loc[0, "label"] = "yes"
    params = _source_params(tmp_path, frame.to_csv(index=False))
    message = _pipeline_error(params)
    assert message.startswith(f"{params.data.raw_path} (ingested from {params.data.source}): ")
    assert "found class 'no' in 59 row(s), class 'yes' in 1 row(s)" in message
    assert "np." not in message


def test_a_test_size_too_small_for_the_classes_is_named() -> None:
    """sklearn's own ValueError used to surface as a traceback."""
    frame = pd.DataFrame({"x": range(40), "target": [0, 1] * 20})
    with pytest.raises(InputError, match=r"data\.test_size 0\.01 of 40 rows leaves 1 test"):
        validate.split(frame, "target", 0.01, seed=0, source="data/raw/dataset.csv")


def test_quote_keeps_short_values_and_plain_numbers() -> None:
    assert quote(np.int64(3)) == "3"
    assert quote(np.float64(41.5)) == "41.5"
    assert quote("red") == "'red'"
    assert quote("z" * 81) == f"'{'z' * 80}'... (81 characters)"
    assert quote_all(range(12)) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... and 2 more]"
