"""``monitor`` end to end on this project's own model: the alias, the exit codes, bad batches.

The model is the one the golden tests train (this project's contract and data); it is
published with its reference profile to a registry in a temporary folder. Batches are
the held-out rows written as the pipeline writes them, moved or broken on purpose. Live
inputs recorded by :class:`InputSample` are a batch ``monitor`` reads as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import MonitoringConfig
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.monitoring import run
from {{ cookiecutter.package_name }}.monitoring.profile import profile
from {{ cookiecutter.package_name }}.monitoring.sample import InputSample
from {{ cookiecutter.package_name }}.pipeline import Trained
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.registry.gate import target_metadata
from {{ cookiecutter.package_name }}.serving.follower import load_version

from tests.golden.reference import reference

LIMITS = MonitoringConfig()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Trained]:
    """A registry whose dev alias holds the trained model with its reference profile."""
    trained = reference()
    contract = trained.contract
    model = LeanModel.from_pipeline(trained.pipeline, contract, trained.params.evaluate.threshold)
    predicted = pd.Series(model.predict_frame(trained.train).predicted)
    files = {
        **model.to_files(),
        "contract.yaml": Path(contract.path).read_bytes(),
        "reference.json": json.dumps(profile(trained.train, contract, predicted)).encode(),
    }
    url = str(tmp_path_factory.mktemp("monitor") / "registry")
    store = Registry(url)
    version = store.publish(files, {"target": target_metadata(contract.target)})
    store.promote(version, "dev", who="test")
    return url, version, trained


def held_out(trained: Trained, path: Path) -> Path:
    write_csv(trained.test, path)
    return path


def monitor(url: str, batch: Path, out: Path, *more: str) -> int:
    return main(["monitor", str(batch), "--registry", url, "--out", str(out), *more])


def test_the_held_out_rows_pass_and_a_moved_feature_alerts(
    published: tuple[str, str, Trained], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, version, trained = published
    assert (
        monitor(url, held_out(trained, tmp_path / "clean.csv"), tmp_path / "ok", "--env", "dev")
        == 0
    )
    summary = json.loads((tmp_path / "ok" / "drift.json").read_text(encoding="utf-8"))
    assert summary["status"] == "ok"
    assert summary["version"] == version
    numbers = trained.contract.numeric_features
    if not numbers:
        pytest.skip("the contract has no number feature to move")
    moved = trained.test.copy()
    feature = numbers[0]
    rule = next(rule for rule in trained.contract.columns if rule.name == feature)
    low, high = moved[feature].min(), moved[feature].max()
    moved[feature] = high if rule.maximum is None else min(high + (high - low), rule.maximum)
    batch = tmp_path / "moved.csv"
    write_csv(moved, batch)
    capsys.readouterr()
    assert monitor(url, batch, tmp_path / "alert", "--version", version) == run.ALERT_EXIT
    said = capsys.readouterr().out
    assert f"ALERT: drift in {feature}" in said
    assert f"  {feature}: PSI" in said


def test_a_malformed_batch_is_an_error_and_the_last_report_stays(
    published: tuple[str, str, Trained], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _, trained = published
    out = tmp_path / "reports"
    assert monitor(url, held_out(trained, tmp_path / "clean.csv"), out) == 0
    before = {name: (out / name).read_bytes() for name in ("drift.json", "drift.md", "drift.html")}
    broken = trained.test.copy().astype(object)
    feature = trained.contract.feature_columns[0]
    broken.loc[broken.index[3], feature] = "__import__('os').system('touch pwned')"
    write_csv(broken, tmp_path / "broken.csv")
    (tmp_path / "garbage.parquet").write_bytes(b"\x00not parquet\xff" * 10)
    errors = {}
    for bad in ("broken.csv", "garbage.parquet", "missing.csv"):
        capsys.readouterr()
        assert monitor(url, tmp_path / bad, out) == 2
        errors[bad] = capsys.readouterr().err
        assert errors[bad].startswith(f"error: {tmp_path / bad}"), errors[bad]
    assert "__import__('os')" in errors["broken.csv"]  # quoted as a value, never run
    assert "not a readable Parquet file" in errors["garbage.parquet"]
    assert not (Path.cwd() / "pwned").exists()
    assert {name: (out / name).read_bytes() for name in before} == before


def test_a_cell_that_looks_like_code_is_named_in_the_error(
    published: tuple[str, str, Trained], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _, trained = published
    broken = trained.test.copy().astype(object)
    feature = trained.contract.numeric_features[0] if trained.contract.numeric_features else None
    if feature is None:
        pytest.skip("the contract has no number feature")
    broken.loc[broken.index[0], feature] = "=cmd|' /C calc'!A0"
    write_csv(broken, tmp_path / "formula.csv")
    assert monitor(url, tmp_path / "formula.csv", tmp_path / "out") == 2
    error = capsys.readouterr().err
    assert feature in error
    assert "=cmd|" in error
    assert not (tmp_path / "out").exists()


def test_an_empty_alias_says_how_to_fill_it(
    published: tuple[str, str, Trained], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _, trained = published
    batch = held_out(trained, tmp_path / "clean.csv")
    assert monitor(url, batch, tmp_path / "out", "--env", "live") == 2
    assert "alias 'live'" in capsys.readouterr().err


def test_recorded_live_inputs_are_a_batch_monitor_reads(
    published: tuple[str, str, Trained], tmp_path: Path
) -> None:
    url, version, trained = published
    contract = trained.contract
    folder = tmp_path / "live"
    private = "email"
    sample = InputSample(
        folder, [*contract.feature_columns, private], rate=1.0, exclude=[private], max_rows=50
    )
    records = json.loads(trained.test.to_json(orient="records", date_format="iso"))
    for record in records:
        record[private] = "someone@example.com"
    sample.offer(records)
    sample.flush()
    files = sorted(folder.glob("*.parquet"))
    assert len(files) == -(-len(records) // 50)  # a file per max_rows, then the rest
    assert sample.held == 0
    for path in files:
        assert private not in pd.read_parquet(path).columns
    found = run.monitor(
        load_version(Registry(url), version),
        run.reference_of(Registry(url), version),
        folder,
        LIMITS,
    )
    assert found.rows == len(records)
    assert not found.alert, found.alerts()


def test_a_sample_keeps_about_its_rate_and_refuses_bad_settings(tmp_path: Path) -> None:
    sample = InputSample(tmp_path, ["a"], rate=0.1, max_rows=100_000, seed=1)
    sample.offer([{"a": index} for index in range(20_000)])
    assert 1_700 < sample.held < 2_300
    assert sample.flush() is not None
    assert sample.flush() is None
    with pytest.raises(InputError, match="rate"):
        InputSample(tmp_path, ["a"], rate=0.0)
    with pytest.raises(InputError, match="every column is excluded"):
        InputSample(tmp_path, ["a"], rate=0.5, exclude=["a"])
