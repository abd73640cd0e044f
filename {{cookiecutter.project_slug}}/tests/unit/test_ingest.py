"""The ingest stage: bundled data offline, CSV sources normalised, bad sources named."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import DataConfig, Params
from {{ cookiecutter.package_name }}.data import ingest
from {{ cookiecutter.package_name }}.data.files import DataFileError


def _params(tmp_path: Path, source: str, target: str = "target") -> Params:
    data = DataConfig(source=source, target=target, raw_path=str(tmp_path / "raw" / "dataset.csv"))
    return dataclasses.replace(Params(), data=data)


def test_bundled_dataset_is_written_with_the_target_name(tmp_path: Path) -> None:
    """sklearn:breast_cancer needs no network; its label column takes data.target's name."""
    params = _params(tmp_path, "sklearn:breast_cancer", target="diagnosis")
    ingest.run(params)
    raw = pd.read_csv(params.data.raw_path)
    assert raw.shape == (569, 31)
    assert raw.columns[-1] == "diagnosis"
    assert raw["diagnosis"].value_counts().to_dict() == {1: 357, 0: 212}


def test_diabetes_is_written_in_raw_units(tmp_path: Path) -> None:
    """sklearn:diabetes comes unscaled (ages in years, sex coded 1 or 2), as its contract says."""
    params = _params(tmp_path, "sklearn:diabetes")
    ingest.run(params)
    raw = pd.read_csv(params.data.raw_path)
    assert raw.shape == (442, 11)
    assert raw["age"].between(19, 79).all()
    assert raw["bmi"].between(18, 43).all()
    assert raw["sex"].value_counts().to_dict() == {1: 235, 2: 207}
    text = Path(params.data.raw_path).read_text(encoding="utf-8").splitlines()
    assert {line.split(",")[1] for line in text[1:]} == {"1", "2"}  # codes, not 1.0 and 2.0


def test_unknown_bundled_dataset_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(
        ingest.SourceError, match=r"no dataset sklearn:titanic .*'sklearn:breast_cancer'"
    ):
        ingest.run(_params(tmp_path, "sklearn:titanic"))


def test_csv_source_is_normalised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Semicolons are not guessed, but spaces around names and Windows line ends are undone."""
    source = tmp_path / "source.csv"
    source.write_bytes(b" size ,colour, label\r\n1.5,red,yes\r\n2.0,blue,no\r\n")
    params = _params(tmp_path, str(source), target="label")
    ingest.run(params)
    written = Path(params.data.raw_path).read_bytes()
    assert written == b"size,colour,label\n1.5,red,yes\n2.0,blue,no\n"
    assert capsys.readouterr().out == (
        f"ingest: 2 rows x 3 columns from {source} -> {params.data.raw_path}\n"
    )


def test_csv_source_without_the_target_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text("size,colour\n1.5,red\n", encoding="utf-8")
    params = _params(tmp_path, str(source), target="label")
    with pytest.raises(
        ingest.SourceError, match=r"no target column 'label' .*\['size', 'colour'\]"
    ):
        ingest.run(params)
    assert not Path(params.data.raw_path).exists()


def test_missing_csv_source_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"absent\.csv: file not found"):
        ingest.run(_params(tmp_path, str(tmp_path / "absent.csv")))
