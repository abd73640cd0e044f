"""``serve``: the API under uvicorn, following one environment's alias.

One process, one event loop: a request is a few hundred microseconds of work, so more
throughput comes from more replicas (the Kubernetes HorizontalPodAutoscaler), each
following the alias on its own, rather than from threads. uvicorn stops gracefully on
SIGTERM: it stops accepting, finishes the requests in flight, then exits, so a rolling
update or a scale-down drops no request.
"""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from {{ cookiecutter.package_name }}.config import current_environment
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.follower import Follower
from {{ cookiecutter.package_name }}.serving.recording import LiveRecorder


def run(
    url: str,
    env: str | None,
    host: str,
    port: int,
    poll_interval: float,
    record: Path | None = None,
    record_rate: float = 0.05,
) -> int:
    """Serve until stopped (Ctrl-C, SIGTERM); the exit code of the command.

    With ``record``, a share ``record_rate`` of the records scored is kept in
    ``record/<version>/`` for ``monitor`` (serving/recording.py)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    environment = env or current_environment()
    if poll_interval <= 0:
        raise InputError(f"--poll-interval: expected seconds above 0, found {poll_interval}")
    follower = Follower(Registry(url), environment, poll_interval)
    recorder = None if record is None else LiveRecorder(record, record_rate)
    print(
        f"serve: following alias {environment!r} of {url} every {poll_interval:g} s on http://{host}:{port}"
    )
    if record is not None:
        print(f"serve: recording {record_rate:g} of the records scored in {record}/<version>/")
    uvicorn.run(
        create_app(follower, recorder=recorder),
        host=host,
        port=port,
        access_log=False,
        log_level="info",
    )
    return 0
