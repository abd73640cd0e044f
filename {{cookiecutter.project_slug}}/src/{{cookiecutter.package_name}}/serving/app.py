"""The HTTP API: ``POST /predict``, ``GET /health``, ``/ready``, ``/version``, ``/metrics``.

``POST /predict`` takes ``{"records": [{column: value, ...}, ...]}`` and answers
``{"model_version": "<id>", "predictions": [...]}``: for a class target one
``{"class": ..., "probabilities": {class: p, ...}}`` per record (classes in the
contract's order), for a number the predicted value. A request takes the follower's
current version once: its contract checks the records (422 naming each bad record and
field) and its lean model scores them, so the answer is wholly that version's.

Requests that arrive together are scored together: each waits on a future while
:class:`Batcher` gathers what the event loop holds and scores it in one call per version
on the next turn of the loop. That adds no waiting (nothing is held back for a timer),
and under load it turns many one-record calls into a few larger ones.

The body is parsed by orjson (a fifth of the standard library's time, and it refuses
``NaN`` and numbers beyond a double) and checked by the contract rather than by a
pydantic model: the contract is the schema, it changes with the version served, and its
messages name the record and the field. For the same reason ``/predict`` is a plain
Starlette route inside the FastAPI app (same middleware, same error handling): it has
nothing for FastAPI's dependency injection and response validation to do, which would
cost a quarter of a one-record request. :func:`_openapi` still documents it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from starlette.routing import Route

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.serving.follower import Events, Follower, Served
from {{ cookiecutter.package_name }}.serving.metrics import ServingMetrics
from {{ cookiecutter.package_name }}.serving.recording import LiveRecorder
from {{ cookiecutter.package_name }}.serving.schema import BODY_SHAPE, Problem, RequestError

JSON = "application/json"
PREDICT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        JSON: {
            "schema": {
                "type": "object",
                "required": ["records"],
                "properties": {
                    "records": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "object", "additionalProperties": True},
                    }
                },
            },
            "example": {"records": [{"column": "value"}]},
        }
    },
}


PREDICT_ANSWERS: dict[str, Any] = {
    "200": {"description": "the version that answered and one prediction per record"},
    "422": {"description": "records the contract refuses: each problem names record and field"},
    "503": {"description": "no model loaded yet"},
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's description of the app, with the plain ``POST /predict`` route in it."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema["paths"]["/predict"] = {
            "post": {
                "summary": "Predict",
                "operationId": "predict",
                "requestBody": PREDICT_BODY,
                "responses": PREDICT_ANSWERS,
            }
        }
        app.openapi_schema = schema
    return app.openapi_schema


def _answer(status: int, content: dict[str, Any]) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type=JSON)


def predictions(served: Served, records: list[dict[str, Any]]) -> list[Any]:
    """The JSON-ready predictions of ``records`` by ``served`` (one call of its model)."""
    result = served.model.predict_records(records)
    if result.probabilities is None:
        return [float(value) for value in result.predicted]
    names = [str(label) for label in served.model.classes]
    return [
        {"class": label, "probabilities": dict(zip(names, row, strict=True))}
        for label, row in zip(result.predicted, result.probabilities.tolist(), strict=True)
    ]


class Batcher:
    """Scores the records of every request waiting on the event loop in one call per version.

    It also counts what it answered (requests and records) once per batch rather than
    once per request: the counters' lock is taken a few times a batch, not per request.
    """

    def __init__(self, metrics: ServingMetrics, recorder: LiveRecorder | None = None) -> None:
        self.metrics = metrics
        self.recorder = recorder
        self._answered = metrics.requests.labels(status="200")  # bound once
        self._waiting: list[tuple[Served, list[dict[str, Any]], asyncio.Future[list[Any]]]] = []

    async def predict(self, served: Served, records: list[dict[str, Any]]) -> list[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._flush)
        self._waiting.append((served, records, future))
        return await future

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        by_version: dict[str, list[tuple[Served, list[dict[str, Any]], asyncio.Future[Any]]]] = {}
        for item in waiting:
            by_version.setdefault(item[0].version, []).append(item)
        for items in by_version.values():
            served = items[0][0]
            together = [record for _, records, _ in items for record in records]
            self.metrics.batch.observe(len(together))
            try:
                scored = predictions(served, together)
            except Exception as error:  # every request of the batch learns of it
                for _, _, future in items:
                    if not future.done():
                        future.set_exception(error)
                continue
            start = answered = 0
            for _, records, future in items:
                if not future.done():  # a client that went away has cancelled its future
                    future.set_result(scored[start : start + len(records)])
                    answered += 1
                start += len(records)
            self._answered.inc(answered)
            self.metrics.records.inc(len(together))
            if self.recorder is not None:
                self.recorder.offer(served, together)


def create_app(
    follower: Follower,
    metrics: ServingMetrics | None = None,
    recorder: LiveRecorder | None = None,
) -> FastAPI:
    """The API over ``follower``; polling starts and stops with the app (its lifespan).

    With a ``recorder``, a sample of the records scored is kept for drift monitoring
    (serving/recording.py); what it holds is written when the app stops."""
    metrics = metrics or ServingMetrics()
    follower.events = Events(
        swapped=lambda previous, served: metrics.swapped(previous, served.version),
        refused=lambda version, reason: metrics.refused.inc(),
        poll_failed=lambda kind: metrics.poll_failures.labels(kind=kind).inc(),
    )
    batcher = Batcher(metrics, recorder)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        follower.start()
        try:
            yield
        finally:
            follower.stop()
            if recorder is not None:
                recorder.flush()

    app = FastAPI(
        title="{{ cookiecutter.project_name }}",
        description="{{ cookiecutter.description }}",
        version=__version__,
        lifespan=lifespan,
    )

    def refuse(status: int, reason: str, problems: list[Problem], total: int) -> Response:
        metrics.requests.labels(status=str(status)).inc()
        metrics.errors.labels(reason=reason).inc()
        return _answer(
            status,
            {"detail": [problem.as_dict() for problem in problems], "problems": total},
        )

    async def predict(request: Request) -> Response:
        started = time.perf_counter()
        served = follower.current  # this request's version, start to end
        if served is None:
            return refuse(503, "not_ready", [Problem(None, None, "no model loaded yet")], 1)
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError as error:
            problem = Problem(None, None, f"expected a JSON body {BODY_SHAPE}, found: {error}")
            return refuse(422, "invalid", [problem], 1)
        try:
            records = served.schema.check(body)
        except RequestError as error:
            return refuse(422, "invalid", error.problems, error.total)
        try:
            scored = await batcher.predict(served, records)
        except Exception:  # a model that fails on valid records: a bug, not the client's
            metrics.requests.labels(status="500").inc()
            metrics.errors.labels(reason="model").inc()
            raise
        answer = orjson.dumps({"model_version": served.version, "predictions": scored})
        metrics.latency.observe(time.perf_counter() - started)
        return Response(answer, media_type=JSON)

    # First in the router: the route nearly every request takes is matched first.
    app.router.routes.insert(0, Route("/predict", predict, methods=["POST"]))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    @app.get("/health")
    async def health() -> Response:
        """Alive: the process answers (the liveness probe)."""
        return _answer(200, {"status": "ok"})

    @app.get("/ready")
    async def ready() -> Response:
        """Ready once a version is loaded (the readiness probe); 503 before."""
        version = follower.version
        if version is None:
            return _answer(503, {"status": "no model loaded yet", "env": follower.env})
        return _answer(200, {"status": "ready", "model_version": version})

    @app.get("/version")
    async def version() -> Response:
        """The version serving, the one the alias names, and any refused."""
        return _answer(
            200,
            {
                "model_version": follower.version,
                "env": follower.env,
                "alias": follower.alias,
                "refused": follower.refused,
                "package_version": __version__,
            },
        )

    @app.get("/metrics")
    async def prometheus() -> Response:
        return Response(metrics.exposition(), media_type="text/plain; version=0.0.4")

    return app
