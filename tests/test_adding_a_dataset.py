"""Layer 3: the generated runbook for adding a dataset works, followed to the letter.

The test reads the fenced blocks of the generated ``docs/adding-a-dataset.md`` in
order and does what each says: ``bash`` blocks are run line by line, the first
``yaml`` block is the reviewed contract, the second the change to ``params.yaml``,
and ``text`` blocks are output the commands must print. The dataset is the Palmer
penguins (from the ``palmerpenguins`` package, no network to a data host): other
columns, another target, missing values and categorical columns.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import BakedProject, Baker

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gitlab-nocloud-proprietary")]

RUNBOOK = "docs/adding-a-dataset.md"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(project: BakedProject) -> list[tuple[str, str]]:
    return FENCE.findall(project.read(RUNBOOK))


def commands(block: str) -> list[str]:
    """Lines of a bash block, with backslash continuations joined."""
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def test_runbook_trains_on_a_second_dataset(baker: Baker) -> None:
    """Every step of the runbook runs; the pipeline trains and evaluates on the penguins."""
    project = baker.bake(ci_provider="gitlab", cloud_provider="none")
    project.run("make", "setup")
    yaml_blocks = 0
    outputs = ""
    expected: list[str] = []
    for language, body in blocks(project):
        if language == "bash":
            for command in commands(body):
                outputs += project.run("bash", "-c", command).stdout
        elif language == "yaml" and yaml_blocks == 0:
            (project.path / "contracts" / "penguins.yaml").write_text(body, encoding="utf-8")
            yaml_blocks += 1
        elif language == "yaml":
            params = yaml.safe_load(project.read("params.yaml"))
            merged = merge(params, yaml.safe_load(body))
            (project.path / "params.yaml").write_text(yaml.safe_dump(merged, sort_keys=False))
            yaml_blocks += 1
        elif language == "text" and not body.startswith("error:"):
            expected.append(body.strip())
    assert yaml_blocks == 2, "the runbook should show the contract and the params change"
    for line in expected:
        assert line in outputs, f"the runbook promises output it does not print:\n{line}"
    metrics = project.run("uv", "run", "--no-sync", "dvc", "metrics", "show", "--json").stdout
    assert "roc_auc" in metrics
    assert "penguins" in project.run("git", "log", "-1", "--format=%s").stdout

    # The runbook's example of a broken file: an unknown island stops the pipeline at validate.
    model = project.path / "models" / "model.joblib"
    model_before = model.read_bytes()
    with (project.path / "data" / "external" / "penguins.csv").open("a") as source:
        source.write("Adelie,Atlantis,39.1,18.7,181.0,3750.0,male,2007\n")
    result = project.run("uv", "run", "--no-sync", "dvc", "repro", check=False)
    assert result.returncode != 0
    error = next(
        body
        for language, body in blocks(project)
        if language == "text" and body.startswith("error:")
    )
    assert "column 'island' breaks rule isin" in error
    assert "column 'island' breaks rule isin" in result.stderr + result.stdout
    assert "'Atlantis'" in result.stderr + result.stdout
    assert model.read_bytes() == model_before, "a stage whose input failed must write nothing"
