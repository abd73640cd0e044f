"""Cost-tagged infrastructure, roles and supply chain of each cloud option (issue 11).

For every cloud (aws is the ready default project; gcp, azure and none are baked here
without `make setup` and checked with the default project's environment, the same
tools being in each): the tag check passes and fails naming the resource when a tag
is removed from one Terraform resource or Kubernetes object; the generated role test
passes and fails when a policy is widened in roles.tf; checkov passes (and fails when
an inline skip is removed); `terraform fmt -check` passes where terraform is installed;
Dependabot, Renovate and the CI files validate against their schemas (check-jsonschema's
vendored copies, offline).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BakedProject, Baker, ready

pytestmark = ready("default")

CLOUDS = ("aws", "gcp", "azure", "none")
GENERATED_TESTS = (
    "tests/unit/test_check_tags.py",
    "tests/unit/test_roles.py",
    "tests/unit/test_cost_estimate.py",
    "tests/unit/test_training_job.py",
)
# One tag line per cloud, removed: (file, text, text without the line, resource named).
TAG_LINE_REMOVED = {
    "aws": (
        "infra/terraform/aws/environment/compute.tf",
        '    resource_type = "volume"\n    tags          = local.tags\n',
        '    resource_type = "volume"\n',
        "aws_launch_template.node",
    ),
    "gcp": (
        "infra/terraform/gcp/environment/compute.tf",
        "    resource_labels = local.labels\n",
        "",
        "google_container_node_pool.serving",
    ),
    "azure": (
        "infra/terraform/azure/shared/storage.tf",
        "  tags                            = local.tags\n",
        "",
        "azurerm_storage_account.store",
    ),
}
# One widening per cloud: the ML engineers may write every alias, live's included.
WIDENED = {
    "aws": (
        '"${aws_s3_bucket.store["models"].arn}/registry/aliases/test.json"',
        '"${aws_s3_bucket.store["models"].arn}/registry/aliases/*"',
    ),
    "gcp": (
        'resource.name == \\"projects/_/buckets/${local.buckets.models}/objects/'
        'registry/aliases/test.json\\"',
        'resource.name.startsWith(\\"projects/_/buckets/${local.buckets.models}/objects/'
        'registry/aliases/\\")',
    ),
    "azure": ("StringEquals 'registry/aliases/test.json'", "StringStartsWith 'registry/aliases/'"),
}


@pytest.fixture(scope="module")
def bakes(module_baker: Baker) -> dict[str, Path]:
    """The other clouds' projects (and a GitLab one), baked once, not set up."""
    found = {cloud: module_baker.bake(cloud_provider=cloud).path for cloud in CLOUDS[1:]}
    found["gitlab"] = module_baker.bake(ci_provider="gitlab").path
    return found


def root_of(project: BakedProject, bakes: dict[str, Path], cloud: str) -> Path:
    return project.path if cloud == "aws" else bakes[cloud]


def run(project: BakedProject, cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """A command in ``cwd`` with the ready project's environment first on PATH."""
    return subprocess.run(
        [str(project.path / ".venv/bin" / command[0]), *command[1:]],
        cwd=cwd,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def copy_of(root: Path, tmp_path: Path) -> Path:
    target = tmp_path / root.name
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(".venv", ".tools", ".git"))
    return target


# aws (the default project) and none (the gitlab-nocloud one) run these in their own
# `make check` (tests/test_generated_project.py): here the clouds no ready project has.
@pytest.mark.slow
@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_each_cloud_passes_its_tag_check_and_generated_infra_tests(
    project: BakedProject, bakes: dict[str, Path], cloud: str
) -> None:
    root = root_of(project, bakes, cloud)
    assert sorted(p.name for p in (root / "infra/terraform").glob("*")) == (
        [] if cloud == "none" else [cloud]
    )
    result = run(project, root, "python", str(root / "tools/check_tags.py"), str(root))
    assert result.returncode == 0, result.stderr
    tests = run(project, root, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                *GENERATED_TESTS)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout


# The generated tests (tests/unit/test_check_tags.py) remove each resource's tag line in
# turn, for every cloud, in the test above; here one per cloud through the command line.
@pytest.mark.slow
@pytest.mark.parametrize("cloud", CLOUDS[:3])
def test_a_tag_removed_from_one_resource_fails_naming_it(
    project: BakedProject, bakes: dict[str, Path], cloud: str, tmp_path: Path
) -> None:
    root = copy_of(root_of(project, bakes, cloud), tmp_path)
    relative, old, new, resource = TAG_LINE_REMOVED[cloud]
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative}: the planted fault no longer applies"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run(project, root, "python", str(project.path / "tools/check_tags.py"), str(root))
    assert result.returncode == 1
    assert f"{relative}: {resource}:" in result.stderr, result.stderr
    assert "missing tag(s) cost-centre, project, team" in result.stderr


@pytest.mark.slow
def test_a_kubernetes_label_removed_fails_naming_the_objects(
    project: BakedProject, tmp_path: Path
) -> None:
    root = copy_of(project.path, tmp_path)
    path = root / "infra/k8s/base/kustomization.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^\s+cost-centre: .*\n", "", text, flags=re.MULTILINE))
    result = run(project, root, "python", str(project.path / "tools/check_tags.py"), str(root))
    assert result.returncode == 1
    for kind in ("Deployment", "Service", "ServiceAccount", "HorizontalPodAutoscaler"):
        pattern = rf"overlays/live .*: {kind}/\S+: metadata.labels: missing tag\(s\) cost-centre"
        assert re.search(pattern, result.stderr), result.stderr


# The generated role test also widens the serving role itself (for every cloud, in the
# first test); here a widening made in the project's roles.tf, on AWS and Azure.
@pytest.mark.slow
@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_a_widened_role_fails_the_generated_role_test(
    project: BakedProject, bakes: dict[str, Path], cloud: str, tmp_path: Path
) -> None:
    root = copy_of(root_of(project, bakes, cloud), tmp_path)
    path = root / f"infra/terraform/{cloud}/shared/roles.tf"
    old, new = WIDENED[cloud]
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: the planted widening no longer applies"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    tests = run(project, root, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "tests/unit/test_roles.py")  # fmt: skip
    assert tests.returncode == 1, tests.stdout[-3000:]
    assert "test_no_role_holds_more_than_its_list FAILED" in tests.stdout or (
        "FAILED tests/unit/test_roles.py::test_no_role_holds_more_than_its_list" in tests.stdout
    ), tests.stdout[-3000:]
    assert "FAILED tests/unit/test_roles.py::test_only_the_ci_deployer_moves_the_live_alias" in (
        tests.stdout
    )
    assert "ml_engineer" in tests.stdout


# AWS's checkov runs in the default project's `make check` (tests/test_generated_project.py).
@pytest.mark.slow
@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_checkov_passes(project: BakedProject, bakes: dict[str, Path], cloud: str) -> None:
    """checkov from its own cached environment: zero failures, every skip with a reason."""
    root = root_of(project, bakes, cloud)
    result = run(project, root, "python", str(project.path / "tools/check_infra.py"), str(root))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no failure" in result.stdout
    assert re.search(r"'terraform': [1-9]\d*", result.stdout), result.stdout


@pytest.mark.slow
def test_checkov_fails_when_a_skip_is_removed(project: BakedProject, tmp_path: Path) -> None:
    root = copy_of(project.path, tmp_path)
    path = root / "infra/k8s/base/deployment.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^\s+checkov\.io/skip1: CKV_K8S_43=.*\n", "", text, flags=re.M))
    result = run(project, root, "python", str(project.path / "tools/check_infra.py"), str(root))
    assert result.returncode == 1
    assert "CKV_K8S_43" in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("cloud", CLOUDS[:3])
def test_terraform_is_formatted(project: BakedProject, bakes: dict[str, Path], cloud: str) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("no terraform binary on this machine: `terraform fmt -check` not run")
    root = root_of(project, bakes, cloud)
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", "infra/terraform"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def validate(schema: str, path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{path} against {schema}:\n{result.stdout}{result.stderr}"


def test_supply_chain_configs_validate_and_cover_lock_image_and_providers(
    project: BakedProject, bakes: dict[str, Path]
) -> None:
    github = project.path
    validate("vendor.dependabot", github / ".github/dependabot.yml")
    validate("vendor.github-workflows", github / ".github/workflows/audit.yml")
    updates = yaml.safe_load((github / ".github/dependabot.yml").read_text())["updates"]
    ecosystems = {entry["package-ecosystem"]: entry for entry in updates}
    assert {"uv", "docker", "terraform"} <= set(ecosystems)
    for folder in ecosystems["terraform"]["directories"]:
        assert list((github / folder.lstrip("/")).glob("providers.tf")), folder
    audit = yaml.safe_load((github / ".github/workflows/audit.yml").read_text())
    assert audit[True]["schedule"], "the audit runs on a schedule"  # YAML 1.1: `on` is True
    steps = " ".join(str(step) for step in audit["jobs"]["audit"]["steps"])
    for tool in ("pip-audit", "trivy", "make infra-check"):
        assert tool in steps
    gitlab = bakes["gitlab"]
    validate("vendor.renovate", gitlab / "renovate.json")
    validate("vendor.gitlab-ci", gitlab / ".gitlab-ci.yml")
    renovate = yaml.safe_load((gitlab / "renovate.json").read_text())
    assert {"pep621", "dockerfile", "terraform"} <= set(renovate["enabledManagers"])
    job = yaml.safe_load((gitlab / ".gitlab-ci.yml").read_text())["audit"]
    assert "schedule" in job["rules"][0]["if"]
    assert any("pip-audit" in line for line in job["script"])
    assert not (github / "renovate.json").exists()
    assert not (gitlab / ".github").exists()
    assert not (bakes["none"] / "infra/terraform").exists()


def test_the_cost_doc_command_runs(project: BakedProject) -> None:
    """docs/cost.md's command, as written: the table is current, so nothing changes."""
    doc = project.read("docs/cost.md")
    block = doc.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ["./tools/uv run --no-sync python tools/cost_estimate.py --write"]
    result = project.run("bash", "-c", commands[0])
    assert "| live |" in result.stdout
    assert project.read("docs/cost.md") == doc
