"""The registry under real processes: a publish killed half-way, promotions at once.

Each test runs small driver scripts with this interpreter, on a local folder store, and
then reads the store back as the next command would.
"""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.registry import Registry

from tests.unit.test_registry_store import metadata, publish

# Publishes with a sleep at one point of the store's writes, for the test to kill it there.
# ``first-file``: after the first file is written; ``manifest``: every file written, the
# manifest not yet.
INTERRUPTED_PUBLISH = """
import sys, time
from {{ cookiecutter.package_name }}.registry.store import Registry

url, where = sys.argv[1], sys.argv[2]
write, create = Registry._write_file, Registry._create_file

def pause(what):
    print(what, flush=True)
    time.sleep(120)

def write_then_pause(self, path, data):
    write(self, path, data)
    if where == "first-file":
        pause("wrote " + path)

def pause_then_create(self, path, data):
    if where == "manifest":
        pause("about to write " + path)
    create(self, path, data)

Registry._write_file = write_then_pause
Registry._create_file = pause_then_create
target = {"column": "label", "task": "binary", "values": ["no", "yes"], "positive": "yes",
          "number": "float", "minimum": None, "maximum": None}
metrics = dict()
Registry(url).publish({"model.joblib": b"m" * 100_000, "card.md": b"card"},
                      {"target": target, "metrics": metrics})
"""

# Waits for the start file, then promotes its version ROUNDS times; prints how many of
# its promotions moved the alias (the others found the alias holding it already).
PROMOTER = """
import pathlib, sys, time
from {{ cookiecutter.package_name }}.registry.store import Registry

url, version, start, me = sys.argv[1:5]
registry = Registry(url)
while not pathlib.Path(start).exists():
    time.sleep(0.001)
moved = 0
for _ in range(int(sys.argv[5])):
    if registry.promote(version, "live", who="worker-" + me) is not None:
        moved += 1
print(moved)
"""
WORKERS = 8
ROUNDS = 6


@pytest.mark.parametrize("where", ["first-file", "manifest"])
def test_a_publish_killed_mid_write_leaves_no_version(tmp_path: Path, where: str) -> None:
    url = str(tmp_path / "registry")
    driver = tmp_path / "publish.py"
    driver.write_text(INTERRUPTED_PUBLISH, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(driver), url, where], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(("wrote", "about to write")), line
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    process.stdout.close()
    folders = list((tmp_path / "registry" / "versions").iterdir())
    assert len(folders) == 1
    assert any(folders[0].iterdir())
    registry = Registry(url)
    assert registry.versions() == []  # ... but no version is visible
    version = publish(registry)  # and the next publish works
    assert registry.versions() == [version]
    assert registry.metadata(version) == metadata()


def test_concurrent_promotions_keep_every_event_and_a_valid_alias(tmp_path: Path) -> None:
    url = str(tmp_path / "registry")
    registry = Registry(url)
    versions = [publish(registry) for _ in range(WORKERS)]  # equal metrics: the gate passes
    driver, start = tmp_path / "promote.py", tmp_path / "start"
    driver.write_text(PROMOTER, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [sys.executable, str(driver), url, version, str(start), str(me), str(ROUNDS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for me, version in enumerate(versions)
    ]
    time.sleep(1.0)  # let every worker reach the start line
    start.touch()
    moved = 0
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        moved += int(output)
    alias = json.loads((tmp_path / "registry" / "aliases" / "live.json").read_text())
    events = registry.history("live")
    assert len(events) == moved  # no promotion lost
    assert registry.current("live") in versions
    assert events[-1].version == registry.current("live")
    assert len(alias["previous"]) == moved - 1  # each promotion but the first pushed one
    for before, after in itertools.pairwise(events):
        assert after.previous == before.version  # one chain: no event saw a stale alias
    assert {event.who for event in events} == {f"worker-{me}" for me in range(WORKERS)}
