"""Layer 3: the generated model-lifecycle runbook works, followed to the letter.

The test reads the ``bash`` blocks of the generated ``docs/model-lifecycle.md`` in order
and runs each as one bash script in a ready project, after ``make pipeline``: publish
and promote a version, serve it (the block ``make serve`` runs in the background until
the last block has run; the blocks after it are the "other terminal"), query every
endpoint, score a file with ``predict --env``, roll live back and run the fleet
simulation. Before the roll-back runbook, live gets two promotions, so there is a
version to roll back to. It also runs docs/deploy.md's one bash block. Each output is
checked for what the runbook says it shows.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import BakedProject, ready

pytestmark = [pytest.mark.slow, ready("default-b")]

RUNBOOK = "docs/model-lifecycle.md"
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
FENCE = re.compile(r"```bash\n(.*?)```", re.DOTALL)
SERVE = "make serve"
ROLL_BACK = "Runbook: roll back in live"
LEFT_BEHIND = ("registry", "request.json", "predictions.csv")


def bash_blocks(project: BakedProject, doc: str) -> list[tuple[str, str]]:
    """(heading above it, block) for each bash block of ``doc``, in order."""
    text = project.read(doc)
    return [
        (HEADING.findall(text[: match.start()])[-1], match.group(1))
        for match in FENCE.finditer(text)
    ]


def script(project: BakedProject, block: str) -> str:
    return project.run("bash", "-euo", "pipefail", "-c", block, timeout=600).stdout


@contextlib.contextmanager
def serving(project: BakedProject) -> Iterator[None]:
    server = subprocess.Popen(
        ["bash", "-c", f"exec {SERVE}"],
        cwd=project.path,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/ready", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[0].decode()
            assert time.monotonic() < deadline, "make serve did not become ready"
            time.sleep(0.2)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def package(project: BakedProject) -> str:
    return project.answers["package_name"]


def test_the_model_lifecycle_runbook_runs(project: BakedProject) -> None:
    blocks = bash_blocks(project, RUNBOOK)
    assert [block.strip() for _, block in blocks].count(SERVE) == 1
    cli = f"./tools/uv run --no-sync {package(project)}"
    outputs: list[str] = []
    try:
        served = False
        with contextlib.ExitStack() as stack:
            for heading, block in blocks:
                if block.strip() == SERVE:
                    stack.enter_context(serving(project))
                    served = True
                    continue
                if heading == ROLL_BACK:
                    # Two promotions of live, so the roll-back has a version to return to.
                    for _ in range(2):
                        version = script(project, f"{cli} registry publish | tail -n 1").strip()
                        script(
                            project,
                            f"{cli} registry promote {version} --env live --force --reason runbook-test",
                        )
                outputs.append(script(project, block))
        assert served
        release, other_terminal, batch, roll_back, fleet = outputs
        released = re.findall(r"^(?:dev|test): \(none\) -> (v\S+)", release, re.MULTILINE)
        assert len(released) == 2, release
        assert released[0] == released[1], release
        assert "# Model card" in release  # `registry show` prints the card
        assert re.search(rf"^{re.escape(released[0])} .*aliases: dev,test$", release, re.MULTILINE)
        ready_line, version_line, answer, *metrics = other_terminal.strip().splitlines()
        assert json.loads(ready_line) == {"status": "ready", "model_version": released[0]}
        assert json.loads(version_line)["env"] == "dev"
        assert json.loads(answer)["model_version"] == released[0]
        assert 'predict_requests_total{status="200"} 1.0' in metrics
        assert f'model_version_info{{version="{released[0]}"}} 1.0' in metrics
        assert f"scored by {released[0]} (alias dev) -> predictions.csv" in batch
        scored = project.read("predictions.csv").splitlines()
        assert scored[0].endswith(",model_version")
        assert len(scored) > 100
        history, rolled = roll_back.split("live: ")
        promoted = re.findall(r"promote \(forced\)  \S+ -> (v\S+)", history)
        assert len(promoted) == 2, history
        assert rolled.startswith(f"{promoted[1]} -> {promoted[0]} (rolled back)"), rolled
        assert f"rollback  {promoted[1]} -> {promoted[0]}" in rolled.split("\n", 1)[1]
        measured = json.loads(fleet.strip().splitlines()[-1])
        assert measured["followers"] == 1000
        assert measured["promotion_s"] <= measured["promotion_bound_s"] + 0.25
        assert measured["rollback_s"] <= measured["rollback_bound_s"] + 0.25
    finally:
        project.remove(*LEFT_BEHIND)


def test_the_deploy_doc_check_runs(project: BakedProject) -> None:
    blocks = bash_blocks(project, "docs/deploy.md")
    assert blocks, "docs/deploy.md shows no bash block"
    for _, block in blocks:
        script(project, block)
