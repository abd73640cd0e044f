"""The example contracts: one per task, each the contract of a dataset bundled with scikit-learn.

Every project ships all three (`contracts/`), whichever the pipeline runs on
(`params.yaml` data.contract), so each is a working example of its task's contract:
each must load with the task it claims, and the data it describes must satisfy it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import DataConfig, Params, load_params
from {{ cookiecutter.package_name }}.data import ingest, validate
from {{ cookiecutter.package_name }}.data.contract import load_contract

from tests.conftest import PROJECT_ROOT

# contract -> (its task, its classes or None, its slice columns)
EXAMPLES = {
    "breast_cancer": ("binary", (0, 1), ()),
    "wine": ("multiclass", (0, 1, 2), ()),
    "diabetes": ("regression", None, ("sex",)),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_contract_loads_with_its_task(name: str) -> None:
    """The target's keys give the task the contract's header names, in the listed order."""
    task, classes, slices = EXAMPLES[name]
    contract = load_contract(PROJECT_ROOT / "contracts" / f"{name}.yaml", "target")
    assert contract.name == name
    assert contract.target.task == task
    header = (PROJECT_ROOT / "contracts" / f"{name}.yaml").read_text(encoding="utf-8")
    assert f"a {task} example" in " ".join(header.replace("#", " ").split())
    if classes is not None:
        assert contract.target.values == classes
    else:
        assert contract.target.minimum is not None
        assert contract.target.maximum is not None
    assert contract.slices == slices


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_bundled_data_satisfies_its_example_contract(tmp_path: Path, name: str) -> None:
    """Ingest sklearn:<name>, then check it against contracts/<name>.yaml: every row passes."""
    contract = load_contract(PROJECT_ROOT / "contracts" / f"{name}.yaml", "target")
    raw = tmp_path / "raw.csv"
    data = DataConfig(source=f"sklearn:{name}", raw_path=str(raw))
    ingest.run(dataclasses.replace(Params(), data=data))
    checked = validate.check(validate.read_raw(raw, contract), contract, str(raw))
    assert checked.unlabelled == 0
    assert len(checked.frame.columns) == len(contract.columns) + 1


def test_params_yaml_runs_one_of_the_examples() -> None:
    """The generated params.yaml reads an example's bundled data with that example's contract."""
    data = load_params(PROJECT_ROOT / "params.yaml").data
    if not data.source.startswith("sklearn:"):
        pytest.skip(f"params.yaml reads {data.source}, not an example (docs/adding-a-dataset.md)")
    name = data.source.removeprefix("sklearn:")
    assert name in EXAMPLES
    assert data.contract == f"contracts/{name}.yaml"
