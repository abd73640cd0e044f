"""The reference model, trained once per test session and shared by golden and behaviour tests.

A module-level cache rather than a session fixture in each test module: a fixture
imported into two modules would be two fixtures, and the model would be trained twice.
"""

from __future__ import annotations

import functools

from {{ cookiecutter.package_name }}.config import load_params
from {{ cookiecutter.package_name }}.pipeline import Trained, run

from tests.conftest import PROJECT_ROOT


@functools.cache
def reference() -> Trained:
    """The model ``dvc repro`` would train from the committed params.yaml, in memory."""
    return run(load_params(PROJECT_ROOT / "params.yaml"), PROJECT_ROOT)
