"""Write the training Job's requests from params.yaml: infra/k8s/training/resources.yaml.

params.yaml's ``training_job`` (cores and GiB, range-checked by the package's config) is
the one place the training run's size is set; this writes the kustomize patch that
gives the Job's container those requests (and the same limits: a run gets what it asked
for and no more, so it fits the node the estimate in docs/cost.md assumes).
tests/unit/test_training_job.py fails when the patch and params.yaml disagree.

Usage: ``python tools/training_job.py [--check] [PROJECT_ROOT]``; ``--check`` writes
nothing and exits 1 when the file is not what params.yaml gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from {{ cookiecutter.package_name }}.config import TrainingJobConfig, load_params
from {{ cookiecutter.package_name }}.errors import ConfigError

PROGRAM = "tools/training_job.py"
PATCH = Path("infra/k8s/training/resources.yaml")
JOB = "{{ cookiecutter.project_slug }}-training"
CONTAINER = "training"
HEADER = (
    "# Written by tools/training_job.py from params.yaml (training_job): do not edit;\n"
    "# change params.yaml, then run `./tools/uv run --no-sync python tools/training_job.py`.\n"
)


def quantities(config: TrainingJobConfig) -> dict[str, str]:
    """Kubernetes quantities: whole cores as "2", else millicores; whole GiB, else MiB."""
    cpu = f"{config.cpu:g}" if config.cpu == int(config.cpu) else f"{round(config.cpu * 1000)}m"
    gib = config.memory_gib
    memory = f"{int(gib)}Gi" if gib == int(gib) else f"{round(gib * 1024)}Mi"
    return {"cpu": cpu, "memory": memory}


def patch_text(config: TrainingJobConfig) -> str:
    wanted = quantities(config)
    patch = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": JOB},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": CONTAINER, "resources": {"requests": wanted, "limits": {**wanted}}}
                    ]
                }
            }
        },
    }
    return HEADER + yaml.safe_dump(patch, sort_keys=False)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [argument for argument in argv if argument != "--check"]
    root = Path(rest[0]) if rest else Path.cwd()
    try:
        config = load_params(root / "params.yaml").training_job
    except ConfigError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 1
    wanted = patch_text(config)
    path = root / PATCH
    found = path.read_text(encoding="utf-8") if path.is_file() else ""
    if check:
        if found != wanted:
            print(
                f"{PROGRAM}: {PATCH}: expected the requests params.yaml gives "
                f"({quantities(config)}), found another file; run {PROGRAM}",
                file=sys.stderr,
            )
            return 1
        return 0
    if found != wanted:
        temporary = path.with_suffix(".yaml.tmp")
        temporary.write_text(wanted, encoding="utf-8")
        temporary.replace(path)
        print(f"{PROGRAM}: wrote {PATCH}: {quantities(config)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
