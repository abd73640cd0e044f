"""Drift monitoring: a moved feature or prediction alerts, naming it; a same-distribution batch does not.

The batches are drawn from the mini dataset's generator (every column type), counted
in chunks by :class:`Pass` as ``monitor`` counts them, against the profile of a
reference sample; the predictions come from a fixed rule of the rows, so moving the
rows or the rule moves the predictions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import MonitoringConfig
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.monitoring import report as reports
from {{ cookiecutter.package_name }}.monitoring.drift import (
    MAX_NEW_CATEGORIES,
    OTHER_NEW,
    CategoryCounts,
    psi,
)
from {{ cookiecutter.package_name }}.monitoring.monitor import Pass, Report, batch_files
from {{ cookiecutter.package_name }}.monitoring.profile import profile

from tests.unit.mini_dataset import CONTRACT, mini_frame

# A colour the contract allows but the training data never had: a batch can bring it.
OPEN = CONTRACT.replace("categories: [red, green, blue]", "categories: [red, green, blue, purple]")
LIMITS = MonitoringConfig()
REFERENCE_ROWS = 2000


def contract(tmp_path: Path, text: str = OPEN) -> Contract:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path, "label")


def predict(frame: pd.DataFrame) -> list[str]:
    """A fixed rule: older members say yes."""
    return ["yes" if age > 55 else "no" for age in frame["age"]]


def reference_of(found: Contract) -> dict[str, object]:
    frame = mini_frame(rows=REFERENCE_ROWS, seed=0)
    return profile(frame, found, pd.Series(predict(frame)))


def counted(
    found: Contract,
    reference: dict[str, object],
    batch: pd.DataFrame,
    predicted: list[str],
    chunk: int = 400,
) -> Report:
    counts = Pass(found, reference)
    for start in range(0, len(batch), chunk):  # in chunks, as a file is read
        counts.add(batch.iloc[start : start + chunk], predicted[start : start + chunk])
    return counts.report("v1", Path("batch.csv"), [Path("batch.csv")], LIMITS)


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Contract, dict[str, object]]:
    found = contract(tmp_path_factory.mktemp("contract"))
    return found, reference_of(found)


def batch(seed: int = 1, rows: int = 1000) -> pd.DataFrame:
    return mini_frame(rows=rows, seed=seed)


def test_a_batch_like_the_training_data_raises_no_alert(mini: tuple[Contract, dict]) -> None:
    found, reference = mini
    rows = batch()
    report = counted(found, reference, rows, predict(rows))
    assert not report.alert, report.alerts()
    assert report.rows == 1000
    assert report.drifted_share == 0.0


def shift_age(frame: pd.DataFrame) -> pd.DataFrame:
    frame["age"] = (frame["age"] + 15).clip(upper=120)
    return frame


def widen_height(frame: pd.DataFrame) -> pd.DataFrame:
    frame["height"] = (1.75 + (frame["height"] - 1.75) * 2.5).clip(0.5, 2.5)
    return frame


def new_colour(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[frame.index[::8], "colour"] = "purple"
    return frame


def lose_heights(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[frame.index[::3], "height"] = np.nan
    return frame


@pytest.mark.parametrize(
    ("change", "feature", "reason"),
    [
        pytest.param(shift_age, "age", "PSI", id="mean shift"),
        pytest.param(widen_height, "height", "PSI", id="variance change"),
        pytest.param(new_colour, "colour", "'purple'", id="new category"),
        pytest.param(lose_heights, "height", "missing rate", id="missing rate jump"),
    ],
)
def test_a_moved_feature_raises_an_alert_naming_it(
    mini: tuple[Contract, dict], change: object, feature: str, reason: str
) -> None:
    found, reference = mini
    rows = change(batch())  # type: ignore[operator]
    report = counted(found, reference, rows, predict(batch()))
    assert report.alert
    assert feature in report.drifted
    line = next(alert for alert in report.alerts() if alert.startswith(f"{feature}:"))
    assert reason in line
    unchanged = {"age", "height", "colour", "member"} - {feature}
    assert not unchanged & set(report.drifted), report.alerts()


def test_predictions_moving_raise_an_alert_on_the_predictions(
    mini: tuple[Contract, dict],
) -> None:
    found, reference = mini
    rows = batch()
    report = counted(found, reference, rows, ["yes"] * len(rows))
    assert report.drifted == []
    assert report.predictions.drifted
    assert report.alerts()[0].startswith("predictions:")


def test_a_number_prediction_moving_is_prediction_drift(tmp_path: Path) -> None:
    number_target = "target: {dtype: float, min: 0, max: 1000}"
    text = OPEN.replace('target:\n  values: ["no", "yes"]\n  positive: "yes"', number_target)
    regression = contract(tmp_path, text)
    frame = mini_frame(rows=REFERENCE_ROWS, seed=0)
    reference = profile(frame, regression, frame["age"].astype(float) * 2)
    rows = batch()
    same = counted(regression, reference, rows, list(rows["age"] * 2.0))
    assert not same.alert, same.alerts()
    moved = counted(regression, reference, rows, list(rows["age"] * 3.0))
    assert moved.predictions.drifted
    assert moved.predictions.kind == "number"


def test_false_alarms_stay_under_five_percent(mini: tuple[Contract, dict]) -> None:
    """Same-distribution batches of realistic sizes, 60 seeds: alerts are rare."""
    found, reference = mini
    alarms = 0
    runs = 0
    for seed in range(1, 21):
        for size in (300, 1000, 3000):
            rows = batch(seed=seed * 7 + size, rows=size)
            alarms += counted(found, reference, rows, predict(rows), chunk=size).alert
            runs += 1
    assert alarms / runs < 0.05, f"{alarms} false alarms in {runs} batches"


def test_a_cell_that_looks_like_code_or_a_formula_is_data(
    mini: tuple[Contract, dict], tmp_path: Path
) -> None:
    found, reference = mini
    rows = batch()
    attacks = ["=cmd|' /C calc'!A0", "__import__('os').system('touch pwned')", "<script>x</script>"]
    for index, text in enumerate(attacks):
        rows.loc[rows.index[index::3], "colour"] = text
    report = counted(found, reference, rows, predict(rows))
    colour = next(finding for finding in report.features if finding.name == "colour")
    assert set(colour.statistics["new_categories"]["values"]) == set(attacks)
    reports.write(report, tmp_path)
    page = (tmp_path / "drift.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "touch pwned" in json.loads((tmp_path / "drift.json").read_text())["alerts"][0]
    assert not (Path.cwd() / "pwned").exists()


def test_the_three_reports_agree_and_the_page_fetches_nothing(
    mini: tuple[Contract, dict], tmp_path: Path
) -> None:
    found, reference = mini
    rows = shift_age(batch())
    report = counted(found, reference, rows, predict(rows))
    written = reports.write(report, tmp_path)
    assert [path.name for path in written] == list(reports.FILES)
    summary = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))
    assert summary["status"] == "alert"
    assert "age" in summary["drifted_features"]
    assert "# Drift report: ALERT" in (tmp_path / "drift.md").read_text(encoding="utf-8")
    page = (tmp_path / "drift.html").read_text(encoding="utf-8")
    assert "<svg" in page
    assert "default-src 'none'" in page
    for reference_to_outside in ("http:", "https:", "src=", "<link", "<script", "@import"):
        assert reference_to_outside not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_failed_write_leaves_the_last_report(mini: tuple[Contract, dict], tmp_path: Path) -> None:
    found, reference = mini
    rows = batch()
    reports.write(counted(found, reference, rows, predict(rows)), tmp_path)
    before = (tmp_path / "drift.json").read_text(encoding="utf-8")
    (tmp_path / "drift.md").unlink()
    (tmp_path / "drift.md").mkdir()  # a folder in the way: the write fails
    with pytest.raises(InputError, match=r"drift\.md"):
        reports.write(counted(found, reference, shift_age(batch()), predict(rows)), tmp_path)
    assert json.loads(before)["status"] == "ok"


def test_unseen_categories_are_counted_in_bounded_memory() -> None:
    counts = CategoryCounts(frozenset({"a"}))
    counts.add({f"new {index}": 1 for index in range(MAX_NEW_CATEGORIES * 5)} | {"a": 10}, 3)
    assert len(counts.counts) == MAX_NEW_CATEGORIES + 2  # "a", 100 new, the rest together
    assert counts.counts[OTHER_NEW] == MAX_NEW_CATEGORIES * 4
    assert counts.rows == MAX_NEW_CATEGORIES * 5 + 13


def test_an_empty_batch_or_folder_is_an_error(mini: tuple[Contract, dict], tmp_path: Path) -> None:
    found, reference = mini
    with pytest.raises(InputError, match="no rows to monitor"):
        Pass(found, reference).report("v1", tmp_path, [], LIMITS)
    with pytest.raises(InputError, match=r"no \.csv or \.parquet file"):
        batch_files(tmp_path)
    with pytest.raises(InputError, match="no such file or folder"):
        batch_files(tmp_path / "missing")
    (tmp_path / "rows.txt").write_text("a\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ending in \.csv or \.parquet"):
        batch_files(tmp_path / "rows.txt")


def test_a_folder_is_read_in_name_order_skipping_files_being_written(tmp_path: Path) -> None:
    for name in ("b.parquet", "a.csv", ".c.parquet.tmp", "_SUCCESS", ".d.csv", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [path.name for path in batch_files(tmp_path)] == ["a.csv", "b.parquet"]


def test_psi_of_a_known_shift() -> None:
    """Half the rows move from the first bin to the second: 0.5*ln(3) + ... by hand."""
    found = psi([0.5, 0.5], [0.25, 0.75])
    assert found == pytest.approx(-0.25 * np.log(0.5) + 0.25 * np.log(1.5))


def test_a_reference_that_lacks_a_feature_is_refused(mini: tuple[Contract, dict]) -> None:
    found, reference = mini
    broken = {**reference, "features": {}}
    with pytest.raises(InputError, match="lacks the contract's feature"):
        Pass(found, broken)
