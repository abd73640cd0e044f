"""Serving: the HTTP API over a registry, the alias it follows, and batch scoring.

Two real versions of the project's model (the reference model, and one trained with
far stronger regularisation, so their answers differ) are published to a registry in
a temporary folder. Every test reads answers against what the lean model of the
version that answered computes offline, so an answer that mixed two versions, or named
one version and carried another's numbers, fails.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import LinearConfig, RandomForestConfig
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.pipeline import Trained, run
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.registry.gate import target_metadata
from {{ cookiecutter.package_name }}.serving.app import create_app, predictions
from {{ cookiecutter.package_name }}.serving.follower import Follower, load_version
from {{ cookiecutter.package_name }}.serving.metrics import ServingMetrics
from {{ cookiecutter.package_name }}.serving.schema import ABSENT, RecordSchema

from tests.conftest import PROJECT_ROOT
from tests.golden.reference import reference

ENV = "live"


def version_files(trained: Trained) -> tuple[dict[str, bytes], dict[str, Any]]:
    contract = trained.contract
    files = {
        **LeanModel.from_pipeline(
            trained.pipeline, contract, trained.params.evaluate.threshold
        ).to_files(),
        "contract.yaml": Path(contract.path).read_bytes(),
    }
    metadata = {"target": target_metadata(contract.target), "metrics": trained.metrics}
    return files, metadata


@pytest.fixture(scope="module")
def models() -> tuple[Trained, Trained]:
    """The reference model, and another whose answers differ from it."""
    first = reference()
    params = first.params
    train = params.train
    other = dataclasses.replace(
        train,
        linear=LinearConfig(C=0.01, max_iter=train.linear.max_iter),
        random_forest=RandomForestConfig(n_estimators=5, max_depth=2),
    )
    second = run(dataclasses.replace(params, train=other), PROJECT_ROOT)
    return first, second


@pytest.fixture
def registry(tmp_path: Path, models: tuple[Trained, Trained]) -> tuple[Registry, list[str]]:
    store = Registry(str(tmp_path / "registry"))
    versions = [store.publish(*version_files(trained)) for trained in models]
    return store, versions


def records(trained: Trained, rows: int = 5) -> list[dict[str, Any]]:
    """Rows of the test split as a client sends them (JSON values, null for missing)."""
    frame = trained.test[trained.contract.feature_columns].head(rows)
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def expected(store: Registry, version: str, sent: list[dict[str, Any]]) -> list[Any]:
    """The answer ``version`` gives for ``sent``, computed offline."""
    served = load_version(store, version)
    return predictions(served, served.schema.check({"records": sent}))


def same(answer: list[Any], wanted: list[Any]) -> bool:
    """Equal predictions: the same classes, numbers within 1e-9."""
    if len(answer) != len(wanted):
        return False
    for got, want in zip(answer, wanted, strict=True):
        if isinstance(want, dict):
            if got["class"] != want["class"] or set(got["probabilities"]) != set(
                want["probabilities"]
            ):
                return False
            if any(
                abs(got["probabilities"][k] - v) > 1e-9 for k, v in want["probabilities"].items()
            ):
                return False
        elif abs(got - want) > 1e-9:
            return False
    return True


@pytest.fixture
def client(
    registry: tuple[Registry, list[str]],
) -> Iterator[tuple[TestClient, Follower, Registry, list[str]]]:
    store, versions = registry
    store.promote(versions[0], ENV, who="test")
    follower = Follower(store, ENV, poll_interval=3600)  # polled by hand below
    with TestClient(create_app(follower)) as http:
        yield http, follower, store, versions


def test_predict_answers_with_the_version_and_its_numbers(client: Any, models: Any) -> None:
    http, _, store, versions = client
    sent = records(models[0])
    answer = http.post("/predict", json={"records": sent})
    assert answer.status_code == 200
    body = answer.json()
    assert body["model_version"] == versions[0]
    assert same(body["predictions"], expected(store, versions[0], sent))
    contract = models[0].contract
    if contract.target.task == "regression":
        assert all(isinstance(value, float) for value in body["predictions"])
    else:
        for prediction in body["predictions"]:
            assert list(prediction["probabilities"]) == [str(c) for c in contract.target.classes]
            assert sum(prediction["probabilities"].values()) == pytest.approx(1.0)


def test_predict_agrees_with_scikit_learn(client: Any, models: Any) -> None:
    """Through HTTP, the lean path answers what the fitted pipeline answers."""
    http, *_ = client
    trained = models[0]
    sent = records(trained, rows=20)
    body = http.post("/predict", json={"records": sent}).json()
    features = trained.test[trained.contract.feature_columns].head(20)
    if trained.contract.target.task == "regression":
        np.testing.assert_allclose(
            body["predictions"], trained.pipeline.predict(features), atol=1e-6
        )
    else:
        model_classes = list(trained.pipeline.classes_)
        probabilities = trained.pipeline.predict_proba(features)
        for row, prediction in zip(probabilities, body["predictions"], strict=True):
            for label, value in zip(model_classes, row, strict=True):
                assert prediction["probabilities"][str(label)] == pytest.approx(value, abs=1e-6)


def field_problems(answer: Any) -> set[tuple[int | None, str | None]]:
    return {(item["record"], item["field"]) for item in answer.json()["detail"]}


def test_a_bad_record_is_422_naming_the_record_and_the_field(client: Any, models: Any) -> None:
    http, *_ = client
    sent = records(models[0], rows=3)
    contract = models[0].contract
    numeric = contract.numeric_features[0]
    sent[1][numeric] = "12; DROP TABLE"
    sent[0]["colour"] = "red"
    wanted = {(1, numeric), (0, "colour")}
    required = [rule.name for rule in contract.columns if rule.feature and not rule.nullable]
    if required:  # a column that may not be empty, left out
        del sent[2][required[0]]
        wanted.add((2, required[0]))
    answer = http.post("/predict", json={"records": sent})
    assert answer.status_code == 422
    assert field_problems(answer) == wanted
    assert answer.json()["problems"] == len(wanted)
    metrics = http.get("/metrics").text
    assert "predict_records_total 0.0" in metrics
    assert 'predict_requests_total{status="422"} 1.0' in metrics


@pytest.mark.parametrize(
    "value", [True, 1e300, -1.0e9, [1.0], {"x": 1}, "__import__('os').system('id')"]
)
def test_each_kind_of_wrong_number_is_refused(client: Any, models: Any, value: Any) -> None:
    http, *_ = client
    sent = records(models[0], rows=1)
    contract = models[0].contract
    rule = next(rule for rule in contract.columns if rule.name == contract.numeric_features[0])
    if (
        isinstance(value, float)
        and rule.minimum is None
        and rule.maximum is None
        and value != float("inf")
    ):
        pytest.skip("the column has no bounds to break")
    body = json.dumps({"records": sent}).replace(
        json.dumps(rule.name) + ": " + json.dumps(sent[0][rule.name]),
        json.dumps(rule.name) + ": " + json.dumps(value),
    )
    answer = http.post("/predict", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert field_problems(answer) == {(0, rule.name)}


# Values a client may put in a field, right or wrong for its column.
FIELD_VALUES = st.one_of(
    st.none(),
    st.just(ABSENT),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e3, max_value=1e3),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_fast_path_passes_exactly_the_records_the_checks_pass(
    models: Any, data: st.DataObject
) -> None:
    """RecordSchema.valid (the fast path) never passes a record the checks refuse, and
    passes every record they accept unchanged with all its feature fields present."""
    contract = models[0].contract
    schema = RecordSchema(contract)
    record: dict[str, Any] = data.draw(st.sampled_from(records(models[0], rows=20)))
    record = dict(record)
    features = [rule for rule in contract.columns if rule.feature]
    for rule in data.draw(st.lists(st.sampled_from(features), max_size=3)):
        value = data.draw(FIELD_VALUES)
        if rule.categories and data.draw(st.booleans()):
            value = data.draw(st.sampled_from(sorted(rule.categories)))
        if value is ABSENT:
            record.pop(rule.name, None)
        else:
            record[rule.name] = value
    if data.draw(st.booleans()):
        record[data.draw(st.sampled_from(["colour", contract.target.column]))] = 1.0
    values, problems = schema.check_record(0, record)
    converted = any(values.get(name) != record.get(name) for name in values)
    complete = all(rule.name in record for rule in features)
    assert schema.valid(record) == (not problems and complete and not converted), (
        record,
        problems,
    )


def test_recording_keeps_the_feature_columns_of_what_each_version_scored(
    registry: Any, models: Any, tmp_path: Path
) -> None:
    """serve --record: every record scored (rate 1) in <folder>/<version>/, feature
    columns only, written by the time the app stops; a refused request is not kept."""
    import pyarrow.parquet as pq

    from {{ cookiecutter.package_name }}.serving.recording import LiveRecorder

    store, versions = registry
    store.promote(versions[0], ENV, who="test")
    folder = tmp_path / "live"
    recorder = LiveRecorder(folder, rate=1.0, flush_rows=4, seed=0)
    contract = models[0].contract
    sent = records(models[0], rows=6)
    sent[0]["row_id"] = "kept out"  # unknown: refused, so nothing of it is recorded
    with TestClient(create_app(Follower(store, ENV, 3600), recorder=recorder)) as http:
        assert http.post("/predict", json={"records": sent[:1]}).status_code == 422
        for record in sent[1:]:
            assert http.post("/predict", json={"records": [record]}).status_code == 200
    files = sorted((folder / versions[0]).glob("*.parquet"))
    assert files, f"nothing recorded in {folder / versions[0]}"
    assert not list(folder.rglob(".*")), "a temporary file was left behind"
    tables = [pq.read_table(path) for path in files]
    assert all(table.column_names == contract.feature_columns for table in tables)
    assert sum(table.num_rows for table in tables) == len(sent) - 1


def test_the_openapi_description_documents_predict(client: Any) -> None:
    http, *_ = client
    described = http.get("/openapi.json").json()["paths"]["/predict"]["post"]
    assert described["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "records"
    ]
    assert set(described["responses"]) == {"200", "422", "503"}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"records": []}',
        b'{"records": {}}',
        b'{"rows": [{}]}',
        b"\xff\xfe",
        b'{"records": [{"x": NaN}]}',
        b'{"records": [{"x": 1e999}]}',
    ],
)
def test_a_malformed_body_is_422(client: Any, body: bytes) -> None:
    http, *_ = client
    answer = http.post("/predict", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["problem"]


def test_too_many_records_are_refused(client: Any, models: Any) -> None:
    http, *_ = client
    sent = records(models[0], rows=1) * 1001
    answer = http.post("/predict", json={"records": sent})
    assert answer.status_code == 422
    assert field_problems(answer) == {(None, "records")}


def test_health_ready_version_and_metrics(client: Any) -> None:
    http, _, _, versions = client
    assert http.get("/health").json() == {"status": "ok"}
    assert http.get("/ready").json()["model_version"] == versions[0]
    assert http.get("/version").json()["alias"] == versions[0]
    metrics = http.get("/metrics").text
    assert 'model_version_info{version="' + versions[0] + '"} 1.0' in metrics
    assert "model_swaps_total 1.0" in metrics
    assert "predict_latency_seconds_bucket" in metrics


def test_not_ready_until_the_alias_holds_a_version(registry: Any) -> None:
    store, versions = registry
    follower = Follower(store, "test", poll_interval=3600)
    with TestClient(create_app(follower)) as http:
        assert http.get("/ready").status_code == 503
        assert http.post("/predict", json={"records": [{}]}).status_code == 503
        store.promote(versions[0], "test", who="test")
        follower.poll()
        assert http.get("/ready").status_code == 200


def test_a_promotion_and_a_rollback_are_followed(client: Any, models: Any) -> None:
    http, follower, store, versions = client
    sent = records(models[0])
    store.promote(versions[1], ENV, force=True, reason="test", who="test")
    follower.poll()
    body = http.post("/predict", json={"records": sent}).json()
    assert body["model_version"] == versions[1]
    assert same(body["predictions"], expected(store, versions[1], sent))
    assert not same(body["predictions"], expected(store, versions[0], sent))
    store.rollback(ENV, who="test")
    follower.poll()
    assert http.post("/predict", json={"records": sent}).json()["model_version"] == versions[0]
    assert "model_swaps_total 3.0" in http.get("/metrics").text


def corrupt(store: Registry, version: str, name: str) -> None:
    path = Path(store.url) / "versions" / version / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_swap_during_a_request_leaves_its_answer_to_the_version_that_took_it(
    client: Any, models: Any
) -> None:
    """The version is taken once, at the start: a swap while scoring changes nothing of it."""
    http, follower, store, versions = client
    served = follower.current
    assert served is not None

    class SwapWhileScoring:
        """The first version's model, which has the second one promoted and swapped in
        while it scores."""

        classes = served.model.classes

        def predict_records(self, batch: list[dict[str, Any]]) -> Any:
            store.promote(versions[1], ENV, force=True, reason="test", who="test")
            follower.poll()
            return served.model.predict_records(batch)

    follower.current = dataclasses.replace(served, model=SwapWhileScoring())
    sent = records(models[0])
    body = http.post("/predict", json={"records": sent}).json()
    assert follower.version == versions[1]
    assert body["model_version"] == versions[0]
    assert same(body["predictions"], expected(store, versions[0], sent))


def test_a_corrupt_version_is_refused_and_the_old_one_keeps_serving(
    client: Any, models: Any
) -> None:
    http, follower, store, versions = client
    corrupt(store, versions[1], "lean.npz")
    store.promote(versions[1], ENV, force=True, reason="test", who="test")
    follower.poll()
    follower.poll()  # tried once, not again while the alias stays put
    answer = http.post("/predict", json={"records": records(models[0])})
    assert answer.json()["model_version"] == versions[0]
    assert "lean.npz" in follower.refused[versions[1]]
    metrics = http.get("/metrics").text
    assert "model_refused_total 1.0" in metrics
    assert http.get("/version").json()["refused"].keys() == {versions[1]}


def test_a_version_whose_model_does_not_parse_is_refused(client: Any, models: Any) -> None:
    """Checksums match, but the export is not a model: refused as well, nothing executed."""
    _, follower, store, versions = client
    files, metadata = version_files(models[1])
    files["lean.json"] = b'{"format": "pickle", "code": "__import__(\'os\').system(\'id\')"}'
    broken = store.publish(files, metadata)
    store.promote(broken, ENV, force=True, reason="test", who="test")
    follower.poll()
    assert follower.version == versions[0]
    assert broken in follower.refused


def test_an_unreachable_store_keeps_the_version_serving(client: Any, models: Any) -> None:
    http, follower, store, versions = client

    def fail(env: str) -> str | None:
        raise OSError("connection reset")

    store.current = fail  # type: ignore[method-assign]
    follower.poll()
    assert (
        http.post("/predict", json={"records": records(models[0])}).json()["model_version"]
        == versions[0]
    )
    assert 'alias_poll_failures_total{kind="OSError"} 1.0' in http.get("/metrics").text


def test_a_rollback_to_a_recent_version_needs_no_load(registry: Any) -> None:
    store, versions = registry
    loads: list[str] = []

    def loader(registry: Registry, version: str) -> Any:
        loads.append(version)
        return load_version(registry, version)

    follower = Follower(store, ENV, poll_interval=3600, loader=loader)
    for step in ("promote", "promote", "rollback"):
        if step == "promote":
            store.promote(versions[len(loads)], ENV, force=True, reason="test", who="test")
        else:
            store.rollback(ENV, who="test")
        follower.poll()
    assert follower.version == versions[0]
    assert loads == versions


class Server:
    """The app under uvicorn in a thread, on a free port: real HTTP, real concurrency."""

    def __init__(self, follower: Follower) -> None:
        config = uvicorn.Config(create_app(follower, ServingMetrics()), port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def test_swaps_under_concurrent_requests_drop_nothing_and_mix_nothing(
    registry: Any, models: Any
) -> None:
    import httpx

    store, versions = registry
    store.promote(versions[0], ENV, who="test")
    rows = records(models[0], rows=12)
    # Each client sends rows of its own, so an answer cut from another's batch shows.
    sent = [rows[client : client + 1 + client % 3] for client in range(6)]
    wanted = {
        (client, version): expected(store, version, sent[client])
        for client in range(6)
        for version in versions
    }
    follower = Follower(store, ENV, poll_interval=0.02)
    answers: list[tuple[int, int, str, list[Any]]] = []
    stop = threading.Event()

    def hammer(url: str, client: int) -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            while not stop.is_set():
                answer = http.post("/predict", json={"records": sent[client]})
                body = answer.json()
                answers.append(
                    (client, answer.status_code, body.get("model_version"), body.get("predictions"))
                )

    with Server(follower) as url:
        threads = [threading.Thread(target=hammer, args=(url, client)) for client in range(6)]
        for thread in threads:
            thread.start()
        for swap in range(6):
            time.sleep(0.15)
            if swap % 2 == 0:
                store.promote(versions[1], ENV, force=True, reason="test", who="test")
            else:
                store.rollback(ENV, who="test")
        time.sleep(0.15)
        stop.set()
        for thread in threads:
            thread.join()
    assert answers
    assert {status for _, status, _, _ in answers} == {200}
    assert {version for _, _, version, _ in answers} == set(versions)
    mixed = [
        (client, version)
        for client, _, version, predictions in answers
        if not same(predictions, wanted[client, version])
    ]
    assert not mixed, f"{len(mixed)} of {len(answers)} answers are not their version's"


# ---------------------------------------------------------------- batch scoring


@pytest.fixture
def promoted(registry: Any, models: Any, tmp_path: Path) -> tuple[Registry, str, Path]:
    store, versions = registry
    store.promote(versions[0], ENV, who="test")
    rows = models[0].test.drop(columns=[models[0].contract.target.column]).head(40)
    source = tmp_path / "rows.csv"
    rows.to_csv(source, index=False)
    return store, versions[0], source


def batch(store: Registry, *arguments: str) -> int:
    return main(["predict", *arguments, "--env", ENV, "--registry", store.url, "--chunk-rows", "7"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_batch_scoring_names_the_version_and_agrees_with_serving(
    promoted: Any, models: Any, tmp_path: Path, suffix: str
) -> None:
    store, version, source = promoted
    if suffix == ".parquet":
        parquet = source.with_suffix(".parquet")
        pd.read_csv(source).to_parquet(parquet)
        source = parquet
    output = tmp_path / f"scored{suffix}"
    assert batch(store, str(source), str(output)) == 0
    scored = pd.read_csv(output) if suffix == ".csv" else pd.read_parquet(output)
    assert len(scored) == 40
    assert set(scored["model_version"]) == {version}
    sent = records(models[0], rows=40)
    online = expected(store, version, sent)
    if models[0].contract.target.task == "regression":
        np.testing.assert_allclose(scored["prediction"], online, atol=1e-9)
    else:
        for index, label in enumerate(models[0].contract.target.classes):
            column = scored[f"probability_{label}"].to_numpy()
            want = [answer["probabilities"][str(label)] for answer in online]
            np.testing.assert_allclose(column, want, atol=1e-9, err_msg=f"class {label} ({index})")
        assert [str(value) for value in scored["prediction"]] == [str(a["class"]) for a in online]


def test_batch_scoring_refuses_a_bad_row_and_writes_nothing(
    promoted: Any, models: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _, source = promoted
    frame = pd.read_csv(source)
    column = models[0].contract.numeric_features[0]
    frame[column] = frame[column].astype(object)
    frame.loc[30, column] = "abc"  # in the fifth chunk of 7 rows: line 32 of the file
    frame.to_csv(source, index=False)
    output = tmp_path / "scored.csv"
    output.write_text("the last good output\n")
    assert batch(store, str(source), str(output)) == 2
    error = capsys.readouterr().err
    assert column in error
    assert "line 32" in error
    assert output.read_text() == "the last good output\n"


def test_batch_scoring_without_a_promoted_version_is_a_clear_error(
    registry: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = registry
    assert batch(store, str(tmp_path / "rows.csv"), str(tmp_path / "out.csv")) == 2
    assert "holds no version" in capsys.readouterr().err


def test_the_load_client_reads_each_answers_status_and_version(
    registry: Any, models: Any, tmp_path: Path
) -> None:
    """tools/load_client.py, which `make bench` trusts to spot a wrong-version answer."""
    import subprocess
    import sys

    store, versions = registry
    store.promote(versions[0], ENV, who="test")
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"records": records(models[0], rows=2)}), encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    with Server(Follower(store, ENV, poll_interval=3600)) as url:
        subprocess.run(
            [
                sys.executable,
                "tools/load_client.py",
                f"{url}/predict",
                str(body),
                "1",
                "2",
                str(out),
            ],
            cwd=PROJECT_ROOT,
            check=True,
            timeout=60,
        )
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(answers) > 10
    assert {(status, version) for _, _, status, version in answers} == {(200, versions[0])}
    assert all(latency > 0 for _, latency, _, _ in answers)
