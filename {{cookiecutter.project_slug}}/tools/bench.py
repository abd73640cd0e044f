"""Benchmarks of the pipeline and the test suite, as ratios against floors measured in the same run.

- Pipeline: a full ``dvc repro --force`` against the sum, over its stages, of each
  stage's import floor (a fresh Python that only imports the stage's module) plus
  its compute (the stage's ``run`` timed inside one process). The difference is
  what DVC and process start-up add. A no-op ``dvc repro`` is timed beside it.
- Tests: ``pytest -n auto --dist worksteal`` (one worker per core, as ``make test``
  runs it) with the default hypothesis profile against ``pytest --collect-only`` (the
  floor: start-up, imports and collection).

Run from the project root with ``make bench``; numbers are medians of a few runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from {{ cookiecutter.package_name }}.cli import COMMANDS

PACKAGE = "{{ cookiecutter.package_name }}"
# The pipeline's stages, in order: the rows of the CLI's table that run a stage.
STAGES = {command.name: command.stage for command in COMMANDS if command.stage is not None}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGETS = {"noop_repro_s": 3.0, "repro_ratio": 1.5, "test_s": 30.0}


def wall_time(command: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def median_time(command: Sequence[str], rounds: int = ROUNDS) -> float:
    return statistics.median(wall_time(command) for _ in range(rounds))


def stage_compute(module: str) -> float:
    """Seconds spent in the stage's ``run`` once its imports are paid."""
    script = (
        "import time\n"
        f"from {PACKAGE}.config import load_params\n"
        f"from {PACKAGE}.{module} import run\n"
        "params = load_params()\n"
        "start = time.perf_counter()\n"
        "run(params)\n"
        "print(time.perf_counter() - start)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def bench_pipeline() -> None:
    dvc = [sys.executable, "-m", "dvc"]
    subprocess.run([*dvc, "repro"], check=True, capture_output=True)  # warm caches, outputs exist
    floors = {
        name: median_time([sys.executable, "-c", f"import {PACKAGE}.{mod}"])
        for name, mod in STAGES.items()
    }
    computes = {
        name: statistics.median(stage_compute(mod) for _ in range(ROUNDS))
        for name, mod in STAGES.items()
    }
    full = median_time([*dvc, "repro", "--force"])
    noop = median_time([*dvc, "repro"])
    floor = sum(floors.values()) + sum(computes.values())
    print("pipeline (dvc repro), medians of", ROUNDS, "runs")
    for name in STAGES:
        print(f"  {name:<9} import floor {floors[name]:6.2f} s   compute {computes[name]:6.2f} s")
    print(f"  floor: sum of imports + compute  {floor:6.2f} s")
    print(
        f"  full repro --force               {full:6.2f} s   ratio {full / floor:.2f}x (target < {TARGETS['repro_ratio']}x)"
    )
    print(
        f"  no-op repro                      {noop:6.2f} s   (target < {TARGETS['noop_repro_s']} s)"
    )


def bench_tests() -> None:
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env_profile = os.environ.get("HYPOTHESIS_PROFILE", "dev")
    collect = median_time([*pytest, "--collect-only"])
    full = median_time([*pytest, "-n", "auto", "--dist", "worksteal"], rounds=1)  # as make test
    print(f"tests (pytest, hypothesis profile {env_profile})")
    print(f"  floor: pytest --collect-only     {collect:6.2f} s")
    print(
        f"  full suite                       {full:6.2f} s   ratio {full / collect:.2f}x (target < {TARGETS['test_s']:.0f} s)"
    )


def main() -> int:
    bench_pipeline()
    bench_tests()
    return 0


if __name__ == "__main__":
    sys.exit(main())
