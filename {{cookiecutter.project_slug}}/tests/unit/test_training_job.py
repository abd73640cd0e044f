"""The training Job of each environment (infra/k8s/overlays/<env>/training/).

It runs `dvc repro` between a pull from and a push to the DVC remote, on the spot
training nodes, with the requests params.yaml gives (tools/training_job.py writes them;
a params change not written is caught here), and it passes the Kubernetes schemas.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from tools.check_deploy import OVERLAYS, render, schema_findings
from tools.training_job import PATCH, main, quantities

from {{ cookiecutter.package_name }}.config import ENVIRONMENT_VARIABLE, ENVIRONMENTS, load_params

ROOT = Path(__file__).resolve().parents[2]


def test_the_requests_are_the_ones_params_gives() -> None:
    assert main(["--check", str(ROOT)]) == 0


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "infra", tmp_path / "infra")
    shutil.copyfile(ROOT / "params.yaml", tmp_path / "params.yaml")
    for contract in (ROOT / "contracts").glob("*.yaml"):
        (tmp_path / "contracts").mkdir(exist_ok=True)
        shutil.copyfile(contract, tmp_path / "contracts" / contract.name)
    return tmp_path


def test_a_params_change_is_caught_then_written(copy: Path) -> None:
    params = copy / "params.yaml"
    text = params.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  cpu:\s*)\S+", r"\g<1>1.5", text)
    params.write_text(re.sub(r"(?m)^(  memory_gib:\s*)\S+", r"\g<1>0.5", text), encoding="utf-8")
    assert main(["--check", str(copy)]) == 1
    assert main([str(copy)]) == 0
    written = (copy / PATCH).read_text(encoding="utf-8")
    assert "cpu: 1500m" in written
    assert "memory: 512Mi" in written
    assert main(["--check", str(copy)]) == 0


def _job(environment: str) -> dict[str, Any]:
    folder = ROOT / OVERLAYS / environment / "training"
    resources = render(folder)
    assert schema_findings(resources, str(folder)) == []
    jobs = [resource.manifest for resource in resources if resource.kind == "Job"]
    assert len(jobs) == 1, [resource.label for resource in resources]
    return jobs[0]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_runs_dvc_repro_on_the_spot_nodes(environment: str) -> None:
    job = _job(environment)
    assert job["metadata"]["namespace"].endswith(f"-{environment}")
    assert job["metadata"]["labels"]["environment"] == environment
    pod = job["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"workload": "training"}
    spot = {"key": "workload", "operator": "Equal", "value": "training", "effect": "NoSchedule"}
    assert spot in pod["tolerations"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    command = " ".join(container["command"])
    steps = ["dvc pull --remote live", "dvc repro", "dvc push --remote live"]
    assert all(step in command for step in steps), command
    assert [command.index(step) for step in steps] == sorted(command.index(s) for s in steps)
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert env[ENVIRONMENT_VARIABLE] == environment
    wanted = quantities(load_params(ROOT / "params.yaml").training_job)
    assert container["resources"] == {"requests": wanted, "limits": wanted}
    assert ":" in container["image"], "the overlay pins the image's tag"
