"""The registry's store: versions that never change, checked reads, gated aliases.

Each test runs on a local folder and on ``memory://`` (the fsspec path object stores
take), with small fake files instead of a trained model.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.registry import ChecksumError, Registry, RegistryError
from {{ cookiecutter.package_name }}.registry.gate import PromotionRefusedError

BINARY_METRICS = {
    "accuracy": 0.9,
    "roc_auc": 0.95,
    "f1": 0.9,
    "precision": 0.9,
    "recall": 0.9,
    "brier": 0.08,
}
TARGET = {
    "column": "label",
    "task": "binary",
    "values": ["no", "yes"],
    "positive": "yes",
    "number": "float",
    "minimum": None,
    "maximum": None,
}


def metadata(**changes: float) -> dict[str, Any]:
    """A binary model's metadata, with some metrics changed."""
    metrics = {**BINARY_METRICS, **changes}
    return {"target": TARGET, "metrics": metrics}


def publish(registry: Registry, **changes: float) -> str:
    files = {"model.joblib": b"model " + uuid.uuid4().bytes, "card.md": b"# card\n"}
    return registry.publish(files, metadata(**changes))


@pytest.fixture(params=["folder", "memory"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Registry:
    if request.param == "folder":
        return Registry(str(tmp_path / "registry"))
    return Registry(f"memory://registry-{uuid.uuid4().hex}")


def stored(registry: Registry) -> dict[str, bytes]:
    """Every file of the store, by path: to show that a refused request changed nothing.

    The empty lock files of a local store's aliases hold no data and are left out.
    """
    fs, root = registry._fs, registry._root
    return {path: fs.cat_file(path) for path in fs.find(root) if not path.endswith(".lock")}


def damage(registry: Registry, version: str, name: str) -> None:
    """Flip one byte of a stored file, in place."""
    path = f"{registry._root}/versions/{version}/{name}"
    data = bytearray(registry._fs.cat_file(path))
    data[0] ^= 1
    registry._fs.pipe_file(path, bytes(data))


def test_a_published_version_reads_back_checked(registry: Registry) -> None:
    version = publish(registry)
    assert registry.versions() == [version]
    assert registry.read(version, "card.md") == b"# card\n"
    assert registry.metadata(version) == metadata()
    assert set(registry.files(version)) == {"model.joblib", "card.md", "metadata.json"}


def test_versions_sort_by_creation_time(registry: Registry) -> None:
    late = registry.publish({}, metadata(), created="2026-11-28T22:45:13.000000Z")
    early = registry.publish({}, metadata(), created="2026-11-28T22:45:12.999999Z")
    assert registry.versions() == [early, late]
    assert early.startswith("v20261128T224512.999999Z-")


@pytest.mark.parametrize("name", ["card.md", "model.joblib", "metadata.json"])
def test_a_changed_byte_is_refused_naming_the_file(registry: Registry, name: str) -> None:
    version = publish(registry)
    damage(registry, version, name)
    with pytest.raises(ChecksumError) as error:
        registry.read(version, name)
    message = str(error.value)
    assert f"version {version}: {name} does not match its manifest" in message
    assert registry.files(version)[name] in message  # the expected sha256
    if name == "metadata.json":
        with pytest.raises(ChecksumError, match=r"metadata\.json"):
            registry.metadata(version)


def test_a_missing_file_is_refused(registry: Registry) -> None:
    version = publish(registry)
    registry._fs.rm_file(f"{registry._root}/versions/{version}/card.md")
    with pytest.raises(ChecksumError, match=r"card\.md is missing"):
        registry.read(version, "card.md")


def test_a_changed_manifest_is_refused(registry: Registry) -> None:
    """Rewriting the manifest to match a changed file does not pass: the id holds its hash."""
    version = publish(registry)
    path = f"{registry._root}/versions/{version}/manifest.json"
    manifest = json.loads(registry._fs.cat_file(path))
    manifest["files"]["card.md"] = "0" * 64
    registry._fs.pipe_file(path, json.dumps(manifest).encode())
    for read in (lambda: registry.read(version, "model.joblib"), lambda: registry.files(version)):
        with pytest.raises(ChecksumError, match=r"manifest\.json was changed after publishing"):
            read()


def test_publishing_over_an_existing_version_is_refused(registry: Registry) -> None:
    created = "2026-11-28T22:45:12.000000Z"
    version = registry.publish({"card.md": b"a"}, metadata(), created=created)
    before = stored(registry)
    with pytest.raises(RegistryError, match=r"already exists.*a version never changes"):
        registry.publish({"card.md": b"a"}, metadata(), created=created)
    assert stored(registry) == before
    assert registry.versions() == [version]


@pytest.mark.parametrize("name", ["manifest.json", "metadata.json", "../escape", ".hidden", ""])
def test_a_file_name_that_is_not_plain_is_refused(registry: Registry, name: str) -> None:
    with pytest.raises(RegistryError, match="expected a plain file name"):
        registry.publish({name: b"x"}, metadata())
    assert registry.versions() == []


def test_an_unknown_version_is_an_error_listing_the_latest_and_changes_nothing(
    registry: Registry,
) -> None:
    versions = [publish(registry) for _ in range(7)]
    registry.promote(versions[0], "dev", who="ada")
    before = stored(registry)
    unknown = "v20000101T000000.000000Z-000000000000"
    attempts = [
        lambda: registry.promote(unknown, "dev", who="ada"),
        lambda: registry.read(unknown, "card.md"),
        lambda: registry.metadata("../../etc"),
        lambda: registry.files(unknown),
    ]
    for attempt in attempts:
        with pytest.raises(RegistryError) as error:
            attempt()
        message = str(error.value)
        assert "unknown version" in message
        assert "its 7 versions" in message
        assert versions[-1] in message
        assert versions[-5] in message
        assert versions[0] not in message  # only the latest five
    assert stored(registry) == before
    assert registry.current("dev") == versions[0]


def test_an_empty_registry_says_so(registry: Registry) -> None:
    with pytest.raises(RegistryError, match="holds no version yet"):
        registry.metadata("v20000101T000000.000000Z-000000000000")
    assert registry.versions() == []
    assert registry.current("live") is None
    assert registry.history("live") == []


def test_a_file_not_in_the_version_is_an_error(registry: Registry) -> None:
    version = publish(registry)
    with pytest.raises(RegistryError, match=r"no file 'lean.json'; expected one of \['card.md'"):
        registry.read(version, "lean.json")


def test_an_unknown_environment_is_refused(registry: Registry) -> None:
    version = publish(registry)
    with pytest.raises(RegistryError, match="expected an environment among"):
        registry.promote(version, "prod", who="ada")


def test_a_better_candidate_is_promoted_and_recorded(registry: Registry) -> None:
    first, better = publish(registry), publish(registry, roc_auc=0.96, brier=0.07)
    event = registry.promote(first, "live", who="ada")
    assert event is not None
    assert event.previous is None
    event = registry.promote(better, "live", who="grace", reason="weekly retrain")
    assert event is not None
    assert (event.action, event.version, event.previous, event.who) == (
        "promote",
        better,
        first,
        "grace",
    )
    assert event.reason == "weekly retrain"
    assert not event.forced
    assert registry.current("live") == better
    assert [item.version for item in registry.history("live")] == [first, better]
    assert registry.current("dev") is None  # other environments untouched


def test_an_equal_candidate_passes_the_gate(registry: Registry) -> None:
    first, same = publish(registry), publish(registry)
    registry.promote(first, "test", who="ada")
    assert registry.promote(same, "test", who="ada") is not None


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"roc_auc": 0.94}, "roc_auc is worse (higher is better): 0.94 against 0.95"),
        ({"brier": 0.0801}, "brier is worse (lower is better): 0.0801 against 0.08"),
    ],
)
def test_a_worse_candidate_is_refused_naming_the_metric(
    registry: Registry, changes: dict[str, float], named: str
) -> None:
    first, worse = publish(registry), publish(registry, **changes)
    registry.promote(first, "live", who="ada")
    before = stored(registry)
    with pytest.raises(PromotionRefusedError) as error:
        registry.promote(worse, "live", who="ada")
    assert named in str(error.value)
    assert "--force --reason" in str(error.value)
    assert stored(registry) == before


def test_a_difference_below_epsilon_is_not_worse(registry: Registry) -> None:
    first, same = publish(registry), publish(registry, roc_auc=0.95 - 1e-15)
    registry.promote(first, "live", who="ada")
    assert registry.promote(same, "live", who="ada") is not None


def test_another_task_or_other_metrics_are_refused(registry: Registry) -> None:
    first = publish(registry)
    registry.promote(first, "uat", who="ada")
    regression = {**TARGET, "task": "regression", "values": []}
    metrics = {"rmse": 1.0, "r2": 0.5}
    other = registry.publish({}, {"target": regression, "metrics": metrics})
    with pytest.raises(
        PromotionRefusedError, match="the task differs: the candidate is regression"
    ):
        registry.promote(other, "uat", who="ada")
    fewer = dict(BINARY_METRICS)
    del fewer["brier"]
    lacking = registry.publish({}, {"target": TARGET, "metrics": fewer})
    with pytest.raises(PromotionRefusedError, match=r"the candidate lacks \['brier'\]"):
        registry.promote(lacking, "uat", who="ada")


def test_force_needs_a_reason_and_is_recorded(registry: Registry) -> None:
    first, worse = publish(registry), publish(registry, accuracy=0.5)
    registry.promote(first, "live", who="ada")
    for reason in (None, "  "):
        with pytest.raises(RegistryError, match="--force needs --reason"):
            registry.promote(worse, "live", force=True, reason=reason, who="ada")
    assert registry.current("live") == first
    event = registry.promote(worse, "live", force=True, reason="hotfix for ticket 12", who="grace")
    assert event is not None
    assert registry.current("live") == worse
    recorded = registry.history("live")[-1]
    assert recorded == event
    assert (recorded.who, recorded.reason, recorded.forced) == (
        "grace",
        "hotfix for ticket 12",
        True,
    )
    assert recorded.when.endswith("Z")
    assert recorded.when.startswith("20")
    assert any("accuracy is worse" in objection for objection in recorded.overridden)


def test_promoting_the_held_version_is_a_no_op(registry: Registry) -> None:
    version = publish(registry)
    registry.promote(version, "dev", who="ada")
    before = stored(registry)
    assert registry.promote(version, "dev", who="ada") is None
    assert stored(registry) == before


def test_rollback_returns_to_the_previous_version_step_by_step(registry: Registry) -> None:
    first, second, third = publish(registry), publish(registry), publish(registry)
    for version in (first, second, third):
        registry.promote(version, "live", who="ada")
    event = registry.rollback("live", who="grace")
    assert (event.action, event.version, event.previous, event.who) == (
        "rollback",
        second,
        third,
        "grace",
    )
    assert registry.current("live") == second
    registry.rollback("live", who="grace")
    assert registry.current("live") == first
    with pytest.raises(RegistryError, match=f"nothing to roll back to.*it holds {first}"):
        registry.rollback("live", who="grace")
    assert [event.action for event in registry.history("live")] == ["promote"] * 3 + [
        "rollback"
    ] * 2


def test_rollback_with_no_history_is_a_clear_error(registry: Registry) -> None:
    before = stored(registry)
    with pytest.raises(RegistryError) as error:
        registry.rollback("uat", who="ada")
    assert str(error.value) == (
        "rollback of uat: nothing to roll back to: the alias has no previous version "
        "(it was never promoted)"
    )
    assert stored(registry) == before


def test_a_damaged_alias_file_is_an_error_naming_it(registry: Registry) -> None:
    registry.promote(publish(registry), "dev", who="ada")
    registry._fs.pipe_file(f"{registry._root}/aliases/dev.json", b"{not json")
    with pytest.raises(RegistryError, match=r"aliases/dev.json: expected the alias of dev"):
        registry.current("dev")


def test_a_url_fsspec_cannot_open_is_refused() -> None:
    with pytest.raises(RegistryError, match="expected a folder or a URL fsspec can open"):
        Registry("nosuchprotocol://bucket/registry")


def test_a_manifest_the_file_system_cannot_link_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without hard links (some network file systems) publish fails cleanly, invisibly."""

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", refuse)
    registry = Registry(str(tmp_path / "registry"))
    with pytest.raises(RegistryError, match=r"manifest\.json: could not create the file"):
        publish(registry)
    assert registry.versions() == []


def test_a_damaged_current_version_is_replaced_only_by_force(registry: Registry) -> None:
    """The gate cannot compare with it, so it refuses; --force with a reason replaces it."""
    first, second = publish(registry), publish(registry)
    registry.promote(first, "live", who="ada")
    damage(registry, first, "metadata.json")
    with pytest.raises(PromotionRefusedError, match="the current version cannot be compared"):
        registry.promote(second, "live", who="ada")
    event = registry.promote(second, "live", force=True, reason="replace damaged", who="ada")
    assert event is not None
    assert registry.current("live") == second
    with pytest.raises(ChecksumError, match=r"metadata\.json does not match"):
        registry.rollback("live", who="ada")  # never back onto the damaged version
    assert registry.current("live") == second


def test_the_gate_reads_a_multiclass_table_with_each_class_recall(registry: Registry) -> None:
    """Class labels come back from JSON as they were (ints here): recall_2 is compared."""
    target = {**TARGET, "task": "multiclass", "values": [0, 1, 2], "positive": None}
    metrics = {"accuracy": 0.9, "balanced_accuracy": 0.9, "macro_f1": 0.9, "log_loss": 0.3}
    recalls = {"recall_0": 0.9, "recall_1": 0.9, "recall_2": 0.9}
    first = registry.publish({}, {"target": target, "metrics": metrics | recalls})
    registry.promote(first, "test", who="ada")
    for changed, named in (({"recall_2": 0.5}, "recall_2"), ({"log_loss": 0.4}, "log_loss")):
        worse = metrics | recalls | changed
        candidate = registry.publish({}, {"target": target, "metrics": worse})
        with pytest.raises(PromotionRefusedError, match=rf"{named} is worse"):
            registry.promote(candidate, "test", who="ada")
