"""Load test of the server across promotions and rollbacks, against a bare endpoint.

``make bench`` runs it (loopback only, bounded in time). In a temporary registry it
publishes the pipeline's model as several versions, promotes the first to ``live`` and
starts ``serve --env live`` on it. Then ``tools/load_client.py`` (a second process)
drives ``POST /predict`` at a fixed concurrency with one record per request, while this
script promotes and rolls back several times. It reports requests, errors, throughput,
p50 and p99 latency, the time from each promotion or rollback to the first answer by
the version it named, and any answer from a version the alias never held.

In the same run the same client drives two bare endpoints of the same framework (FastAPI
under uvicorn, same settings), each answering a constant without reading the body:

- ``bare``: FastAPI's usual route (``@app.post``), the floor the target is measured
  against: our throughput is printed as a ratio of it;
- ``floor``: a plain Starlette route in a FastAPI app, as our ``/predict`` is one
  (serving/app.py says why), printed too, so the cost of our own work is in view.

The endpoints take turns (bare, floor, ours; twice), so a machine whose load changes
during the run slows each alike. Each server's CPU time per request is printed as well:
unlike throughput, it hardly moves when other work shares the machine.

Targets: zero errors and zero wrong-version answers across the swaps, each swap seen
within the poll interval plus the load time, and throughput at least 0.7 of the bare
endpoint's. Exit code 1 if one is missed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import example_request  # tools/, beside this script

PACKAGE = "{{ cookiecutter.package_name }}"
SECONDS = float(os.environ.get("BENCH_SERVING_SECONDS", "12"))
CONCURRENCY = int(os.environ.get("BENCH_SERVING_CONCURRENCY", "16"))
POLL_INTERVAL = 0.5
SWAPS = 4  # alternating promotions and rollbacks during the run
ROUNDS = 2  # turns each endpoint takes; SECONDS is each endpoint's total
TARGET_RATIO = 0.7
TOOLS = Path(__file__).resolve().parent
BARE_ANSWER = b'{"model_version": "bare", "predictions": [0]}'


def bare_app() -> Any:
    """FastAPI's floor: the same route, answering a constant without reading the body."""
    from fastapi import FastAPI, Response

    app = FastAPI()

    @app.post("/predict")
    async def predict() -> Response:
        return Response(BARE_ANSWER, media_type="application/json")

    return app


def floor_app() -> Any:
    """The same constant from a plain Starlette route in a FastAPI app, as /predict is."""
    from fastapi import FastAPI, Request, Response
    from starlette.routing import Route

    async def predict(request: Request) -> Response:
        return Response(BARE_ANSWER, media_type="application/json")

    app = FastAPI()
    app.router.routes.insert(0, Route("/predict", predict, methods=["POST"]))
    return app


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_constant(factory: str, port: int) -> subprocess.Popen[bytes]:
    """uvicorn serving ``bench_serving.<factory>()`` as ``serve`` runs uvicorn."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(TOOLS)!r}); import uvicorn, bench_serving; "
            f"uvicorn.run(bench_serving.{factory}(), host='127.0.0.1', port={port}, "
            "access_log=False, log_level='warning')",
        ]
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"error: {url} did not answer 200 within {timeout:g} s")


def drive(url: str, body: Path, out: Path) -> subprocess.Popen[bytes]:
    """One turn of the client on ``url``: SECONDS / ROUNDS at CONCURRENCY."""
    return subprocess.Popen(
        [
            sys.executable,
            str(TOOLS / "load_client.py"),
            url,
            str(body),
            str(SECONDS / ROUNDS),
            str(CONCURRENCY),
            str(out),
        ]
    )


def answers(path: Path) -> list[tuple[float, float, int, str]]:
    return [tuple(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def summary(name: str, rows: list[tuple[float, float, int, str]], cpu: float) -> dict[str, float]:
    latencies = sorted(latency for _, latency, _, _ in rows)
    ok = sum(1 for _, _, status, _ in rows if status == 200)
    result = {
        "requests": len(rows),
        "errors": len(rows) - ok,
        "throughput": ok / SECONDS,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "cpu_us": 1e6 * cpu / max(len(rows), 1),
    }
    print(
        f"  {name:<6} {result['requests']:7d} requests, {result['errors']:d} errors, "
        f"{result['throughput']:7.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms, server CPU {result['cpu_us']:.0f} us/request"
    )
    return result


def publish_versions(registry: Path, count: int) -> list[str]:
    """The pipeline's model, published ``count`` times: distinct versions to swap between."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.registry import Registry
    from {{ cookiecutter.package_name }}.registry.actions import publish_pipeline_output

    store = Registry(str(registry))
    return [publish_pipeline_output(load_params(), Path(), store) for _ in range(count)]


def main() -> int:
    from {{ cookiecutter.package_name }}.registry import Registry

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        registry = work / "registry"
        print("serving: publishing the pipeline's model as versions to swap between ...")
        with contextlib.redirect_stdout(io.StringIO()):
            versions = publish_versions(registry, 3)
        store = Registry(str(registry))
        store.promote(versions[0], "live", who="bench")
        body = work / "body.json"
        body.write_text(json.dumps(example_request.request()), encoding="utf-8")

        ports = {"bare": free_port(), "floor": free_port(), "ours": free_port()}
        servers = {
            "bare": start_constant("bare_app", ports["bare"]),
            "floor": start_constant("floor_app", ports["floor"]),
            "ours": subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    PACKAGE,
                    "serve",
                    "--env",
                    "live",
                    "--port",
                    str(ports["ours"]),
                    "--poll-interval",
                    str(POLL_INTERVAL),
                    "--registry",
                    str(registry),
                ],
                stdout=subprocess.DEVNULL,
                stderr=(work / "server.log").open("w"),
            ),
        }
        events: list[tuple[float, str]] = []
        rows: dict[str, list[tuple[float, float, int, str]]] = {name: [] for name in servers}
        cpu = dict.fromkeys(servers, 0.0)
        try:
            wait_ready(f"http://127.0.0.1:{ports['bare']}/docs")
            wait_ready(f"http://127.0.0.1:{ports['floor']}/docs")
            wait_ready(f"http://127.0.0.1:{ports['ours']}/ready")
            swap = 0
            for turn in range(ROUNDS):
                for name, server in servers.items():
                    out = work / f"{name}-{turn}.jsonl"
                    before = cpu_seconds(server.pid)
                    client = drive(f"http://127.0.0.1:{ports[name]}/predict", body, out)
                    if name == "ours":  # this turn's share of the swaps, evenly spread
                        turn_swaps = SWAPS // ROUNDS
                        step = SECONDS / ROUNDS / (turn_swaps + 1)
                        for _ in range(turn_swaps):
                            time.sleep(step)
                            if swap % 2 == 0:
                                target = versions[1 + (swap // 2) % 2]
                                store.promote(
                                    target, "live", force=True, reason="bench", who="bench"
                                )
                            else:
                                store.rollback("live", who="bench")
                                target = store.current("live") or ""
                            events.append((time.time(), target))
                            swap += 1
                    client.wait()
                    cpu[name] += cpu_seconds(server.pid) - before
                    rows[name].extend(answers(out))
            with urllib.request.urlopen(f"http://127.0.0.1:{ports['ours']}/metrics") as answer:
                exposition = answer.read().decode()
        finally:
            for server in servers.values():
                server.terminate()
                server.wait()

        print(
            f"serving: {SECONDS:g} s at concurrency {CONCURRENCY}, one record per request, "
            f"poll interval {POLL_INTERVAL:g} s, {SWAPS} swaps"
        )
        bare = summary("bare", rows["bare"], cpu["bare"])
        floor = summary("floor", rows["floor"], cpu["floor"])
        ours_rows = rows["ours"]
        ours = summary("ours", ours_rows, cpu["ours"])
        held = {versions[0], *(target for _, target in events)}
        wrong = sum(
            1 for _, _, status, version in ours_rows if status == 200 and version not in held
        )
        delays = []
        for when, target in events:
            first = min(
                (
                    arrived
                    for arrived, _, status, version in ours_rows
                    if arrived >= when and version == target and status == 200
                ),
                default=None,
            )
            delays.append(None if first is None else first - when)
        shown = ", ".join("never" if delay is None else f"{delay:.2f} s" for delay in delays)
        load = max(
            (
                float(line.split("loaded in ")[1].split(" s")[0])
                for line in (work / "server.log").read_text().splitlines()
                if "loaded in " in line
            ),
            default=0.0,
        )
        bound = POLL_INTERVAL + load + 0.1
        ratio = ours["throughput"] / bare["throughput"]
        print(
            f"  swaps: first answer by the new version after {shown} (bound: poll {POLL_INTERVAL:g} s + load {load:.3f} s)"
        )
        count = next(
            float(line.split()[-1])
            for line in exposition.splitlines()
            if line.startswith("predict_batch_records_count")
        )
        total = next(
            float(line.split()[-1])
            for line in exposition.splitlines()
            if line.startswith("predict_batch_records_sum")
        )
        print(
            f"  records per model call: {total / max(count, 1):.1f} on average ({count:.0f} calls)"
        )
        print(f"  answers from a version the alias never held: {wrong}")
        print(
            f"  ours / floor: throughput {ours['throughput'] / floor['throughput']:.2f}, "
            f"server CPU per request {ours['cpu_us'] / floor['cpu_us']:.2f}; "
            f"ours / bare: server CPU per request {ours['cpu_us'] / bare['cpu_us']:.2f}"
        )
        print(f"  throughput ratio ours / bare: {ratio:.2f} (target >= {TARGET_RATIO})")
        missed = [
            ours["errors"] > 0 and "errors",
            wrong > 0 and "wrong-version answers",
            any(delay is None or delay > bound for delay in delays) and "swap time",
            ratio < TARGET_RATIO and "throughput ratio",
        ]
        missed = [item for item in missed if item]
        if missed:
            print(f"serving: MISSED {', '.join(map(str, missed))}")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
