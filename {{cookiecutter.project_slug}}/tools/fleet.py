"""A fleet of followers of one alias, simulated in one process: how fast a rollback lands.

Every serving node follows its environment's alias on its own (serving/follower.py):
it reads the alias every poll interval and swaps when it moves. So a promotion reaches
the whole fleet within one poll interval plus one load, and a rollback to a version the
nodes served a moment ago within one poll interval, however many nodes there are; the
price is the reads the store receives, ``nodes / poll interval`` a second.

This script checks that claim with ``--followers`` real :class:`Follower` objects (1,000
by default), each polling on its own thread, started at random moments over one
interval as real nodes are, against one registry in a temporary folder. A node loads a
version on its own machine in parallel with the others; here the one real load is
timed and shared, and every other follower waits that long instead of loading again.
It prints, as one JSON line, the time from a promotion and from a rollback until the
last follower serves the new version, the reads per second the store received, and the
bounds the formula gives. Exit code 1 if a swap took longer than its bound.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from {{ cookiecutter.package_name }}.config import load_params
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.pipeline import run
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.registry.gate import target_metadata
from {{ cookiecutter.package_name }}.serving.follower import Follower, Served, load_version

ENV = "live"
SLACK = 0.25  # seconds of scheduling noise allowed with 1,000 threads on two cores


class CountingRegistry(Registry):
    """A registry that counts the reads of the alias (what each poll costs the store)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.reads = 0
        self._count = threading.Lock()

    def current(self, env: str) -> str | None:
        with self._count:
            self.reads += 1
        return super().current(env)


def publish_two(store: Registry) -> list[str]:
    """Two versions of the project's model, trained in memory as the pipeline trains it."""
    trained = run(load_params())
    contract = trained.contract
    files = {
        **LeanModel.from_pipeline(trained.pipeline, contract, 0.5).to_files(),
        "contract.yaml": Path(contract.path).read_bytes(),
    }
    metadata = {"target": target_metadata(contract.target), "metrics": trained.metrics}
    return [store.publish(files, {**metadata, "copy": copy}) for copy in range(2)]


def wait_for(followers: list[Follower], version: str, timeout: float) -> float:
    """Seconds until every follower serves ``version``."""
    started = time.monotonic()
    while any(follower.version != version for follower in followers):
        if time.monotonic() - started > timeout:
            behind = sum(follower.version != version for follower in followers)
            raise SystemExit(f"error: {behind} followers still not on {version} after {timeout} s")
        time.sleep(0.005)
    return time.monotonic() - started


def simulate(nodes: int, poll_interval: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = CountingRegistry(str(Path(folder) / "registry"))
        first, second = publish_two(store)
        store.promote(first, ENV, who="fleet")
        loaded: dict[str, Served] = {}
        load_seconds: dict[str, float] = {}
        lock = threading.Lock()

        def loader(registry: Registry, version: str) -> Served:
            with lock:  # the first follower loads for real and times it
                if version not in loaded:
                    started = time.perf_counter()
                    loaded[version] = load_version(registry, version)
                    load_seconds[version] = time.perf_counter() - started
                    return loaded[version]
            time.sleep(load_seconds[version])  # every other node's own load, in parallel
            return loaded[version]

        followers = [Follower(store, ENV, poll_interval, loader=loader) for _ in range(nodes)]
        launchers = [
            threading.Timer(random.uniform(0, poll_interval), follower.start)  # noqa: S311
            for follower in followers
        ]
        for launcher in launchers:
            launcher.start()
        for launcher in launchers:
            launcher.join()
        wait_for(followers, first, timeout=60)

        store.reads, began = 0, time.monotonic()
        time.sleep(2 * poll_interval)
        reads_per_second = store.reads / (time.monotonic() - began)

        store.promote(second, ENV, force=True, reason="fleet simulation", who="fleet")
        promotion = wait_for(followers, second, timeout=60)
        time.sleep(poll_interval)  # let every follower settle on it
        store.rollback(ENV, who="fleet")
        rollback = wait_for(followers, first, timeout=60)
        for follower in followers:
            follower.stop()
    load = max(load_seconds.values())
    return {
        "followers": nodes,
        "poll_interval_s": poll_interval,
        "load_s": round(load, 4),
        "promotion_s": round(promotion, 3),
        "promotion_bound_s": round(poll_interval + load, 3),
        "rollback_s": round(rollback, 3),
        "rollback_bound_s": poll_interval,
        "store_reads_per_s": round(reads_per_second, 1),
        "store_reads_per_s_formula": round(nodes / poll_interval, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--poll-interval", type=float, default=2.0)
    args = parser.parse_args(argv)
    result = simulate(args.followers, args.poll_interval)
    print(json.dumps(result))
    late = result["promotion_s"] > result["promotion_bound_s"] + SLACK or (
        result["rollback_s"] > result["rollback_bound_s"] + SLACK
    )
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main())
