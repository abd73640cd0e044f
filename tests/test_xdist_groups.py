"""Layer 1: under `make test` (`-n 2 --dist loadgroup`) each ready project has one worker.

The slow layers set up each representative project once per worker that asks for it;
`ready(name)` puts the tests of a project in one xdist group, so that is once in all.
This runs a tiny suite through the same fixtures' marks and conftest hook, with two
workers, and checks that no group was split.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEMPLATE_DIR

CONFTEST = f"""
import sys
sys.path.insert(0, {str(TEMPLATE_DIR)!r})
import pytest
from tests.conftest import pytest_collection_modifyitems  # the hook under test
"""
SUITE = """
import os, pathlib, pytest
from tests.conftest import REPRESENTATIVE, ready

@pytest.fixture
def project(request):  # stands in for the ready project: no baking here
    return request.param

@ready(*REPRESENTATIVE)
@pytest.mark.parametrize("i", range(4))
def test_{n}(project, i):
    log = pathlib.Path(os.environ["GROUP_LOG"])
    with log.open("a") as f:
        f.write(f"{{project}} {{os.environ['PYTEST_XDIST_WORKER']}}\\n")
"""


def test_each_ready_project_runs_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for n in range(2):
        (tmp_path / f"test_suite_{n}.py").write_text(SUITE.format(n=n))
    log = tmp_path / "groups.log"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(
        [*command, "-n", "2", "--dist", "loadgroup"],
        cwd=tmp_path,
        env={**os.environ, "GROUP_LOG": str(log)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        name, worker = line.split()
        workers.setdefault(name, set()).add(worker)
    split = {name: sorted(found) for name, found in workers.items() if len(found) > 1}
    assert not split, f"ready projects whose tests ran on several workers: {split}"
