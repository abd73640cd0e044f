"""docs/cost.md's estimate is the one the tfvars give (tools/cost_estimate.py).

A tfvars change (a bigger node, a higher bound) without `tools/cost_estimate.py --write`
fails here, as does a ceiling above its environment's budget.
"""

from __future__ import annotations
{% if cookiecutter.cloud_provider != "none" %}
import re
import shutil
from pathlib import Path

import pytest
from tools.cost_estimate import DOC, TERRAFORM, EstimateError, documented, estimate, main, table
{%- else %}
from pathlib import Path

from tools.cost_estimate import DOC, documented, table
{%- endif %}

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_estimate_is_the_computed_one() -> None:
    assert documented((ROOT / DOC).read_text(encoding="utf-8")) == table(ROOT)
{%- if cookiecutter.cloud_provider != "none" %}


def test_each_ceiling_stays_within_its_budget() -> None:
    found = estimate(ROOT)
    assert found is not None
    _, _, rows = found
    assert [row.environment for row in rows] == ["dev", "test", "uat", "live"]
    for row in rows:
        assert 0 <= row.floor <= row.ceiling <= row.budget, row


def test_dev_and_test_scale_to_zero() -> None:
    """Their floor is the fixed part only: no serving node is kept."""
    found = estimate(ROOT)
    assert found is not None
    for row in found[2]:
        if row.environment in {"dev", "test"}:
            assert row.basis.startswith("0-"), row


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "infra", tmp_path / "infra")
    (tmp_path / "docs").mkdir()
    shutil.copyfile(ROOT / DOC, tmp_path / DOC)
    return tmp_path


def _live_tfvars(root: Path) -> Path:
    return next((root / TERRAFORM).glob("*/environment/envs/live.tfvars"))


def test_a_tfvars_change_makes_the_doc_stale_until_written(copy: Path) -> None:
    path = _live_tfvars(copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"serving_max_nodes\s*=\s*\d+", "serving_max_nodes = 9", text))
    assert documented((copy / DOC).read_text(encoding="utf-8")) != table(copy)
    assert main(["--write", str(copy)]) == 0
    assert documented((copy / DOC).read_text(encoding="utf-8")) == table(copy)
    assert "2-9 x" in table(copy)


def test_a_size_without_a_price_is_refused(copy: Path) -> None:
    path = _live_tfvars(copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(serving_\w+\s*=\s*)"[^"]+"', r'\1"made-up-size"', text, count=1))
    with pytest.raises(EstimateError, match=r"live\.tfvars: no assumed price for 'made-up-size'"):
        table(copy)
    before = (copy / DOC).read_text(encoding="utf-8")
    assert main(["--write", str(copy)]) == 1
    assert (copy / DOC).read_text(encoding="utf-8") == before
{%- endif %}
