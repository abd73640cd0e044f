"""Layer 3: the generated drift monitoring works as docs/monitoring.md says, in a browser too.

In a ready project, the doc's ``bash`` blocks run in order as one bash script each:
publish and promote the pipeline's model, check the held-out rows (no drift), look at
the report and the alias's history, retrain and check again, roll back. Then a batch
with one feature moved makes ``make monitor`` fail, naming the feature, and both HTML
reports open in headless Chromium with no console error and no request leaving the page.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import browser, visit
from tests.conftest import BakedProject, ready
from tests.test_model_lifecycle import bash_blocks, script

pytestmark = [pytest.mark.slow, ready("default-b")]

DOC = "docs/monitoring.md"
REPORTS = "reports/monitoring"
LEFT_BEHIND = ("registry", REPORTS, "drifted.csv")
# The bundled example's first feature, made half as large again: a shift the monitor
# must see.
MOVE = (
    "import pandas as pd; rows = pd.read_csv('data/processed/test.csv'); "
    "feature = rows.columns[0]; rows[feature] = rows[feature] * 1.5; "
    "rows.to_csv('drifted.csv', index=False); print(feature)"
)


def test_the_monitoring_doc_runs_and_a_drifted_batch_alerts(project: BakedProject) -> None:
    blocks = bash_blocks(project, DOC)
    try:
        outputs = [script(project, block) for _, block in blocks]
        check, investigate, retrain, roll_back = outputs
        assert "features drifted, prediction drift no" in check, check
        assert "0 of " in check
        summary = json.loads(project.read(f"{REPORTS}/drift.json"))
        assert summary["status"] == "ok"
        assert "# Drift report: no drift" in investigate
        assert "promote" in investigate
        assert "0 of " in retrain
        assert "(rolled back)" in roll_back
        clean = project.path / REPORTS / "drift.html"
        with browser() as opened:
            seen = visit(opened, clean.as_uri())
            assert seen.problems() == []
            assert "No drift" in seen.page.inner_text("h1")

        feature = script(project, f'./tools/uv run --no-sync python -c "{MOVE}"').strip()
        moved = project.run("make", "monitor", "BATCH=drifted.csv", check=False)
        assert moved.returncode != 0
        assert f"ALERT: drift in {feature}" in moved.stdout, moved.stdout + moved.stderr
        assert f"  {feature}: PSI" in moved.stdout
        summary = json.loads(project.read(f"{REPORTS}/drift.json"))
        assert summary["status"] == "alert"
        assert feature in summary["drifted_features"]
        with browser() as opened:
            seen = visit(opened, (project.path / REPORTS / "drift.html").as_uri())
            assert seen.problems() == []
            assert seen.page.locator("svg").count() >= 1
            assert feature in seen.page.inner_text("body")
    finally:
        project.remove(*LEFT_BEHIND)
