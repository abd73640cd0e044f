"""Shared test set-up: hypothesis profiles and the project root.

Profiles (choose with the HYPOTHESIS_PROFILE environment variable):
- ``dev`` (default): few examples, for a fast inner loop;
- ``ci``: many more examples, derandomised so a CI run is repeatable.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
