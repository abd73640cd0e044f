"""tools/fleet.py: a fleet of followers of one alias lands a promotion and a rollback in time.

The simulation itself asserts its bounds (exit code 1 if late); this runs it small
enough for every `make test` (100 followers polling every 0.3 s) and reads what it
measured: every follower swapped within a poll interval plus a load, and the store saw
about followers / poll interval reads a second.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def test_a_fleet_follows_a_promotion_and_a_rollback() -> None:
    result = subprocess.run(
        [sys.executable, "tools/fleet.py", "--followers", "100", "--poll-interval", "0.3"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["followers"] == 100
    assert 0 < measured["promotion_s"] <= measured["promotion_bound_s"] + 0.25
    assert 0 < measured["rollback_s"] <= measured["rollback_bound_s"] + 0.25
    # Each follower reads the alias once a poll interval: 333 reads a second, give or take.
    assert 0.8 * 100 / 0.3 <= measured["store_reads_per_s"] <= 1.2 * 100 / 0.3
