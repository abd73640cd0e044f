"""The cost-tag check (tools/check_tags.py): the project passes, and each gap is named.

Every fault is planted in a copy of infra/: a tag line removed from any one resource,
a key removed from the shared map or the kustomization, an object added without the
labels, a resource type the check does not know. Each must fail naming the file, the
resource and the missing tag.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
TERRAFORM = Path("infra/terraform")
KUSTOMIZATION = Path("infra/k8s/base/kustomization.yaml")
# A line that gives one resource the shared map (not the provider's default).
TAG_LINE = re.compile(r"^\s*(tags|labels|resource_labels)\s*=\s*local\.(tags|labels)\s*$")
RESOURCE = re.compile(r'^resource "(\w+)" "(\w+)"')


@pytest.fixture(scope="module")
def check_tags() -> ModuleType:
    """tools/check_tags.py, which imports check_deploy from beside it."""
    sys.path.insert(0, str(TOOLS))
    try:
        return importlib.import_module("check_tags")
    finally:
        sys.path.remove(str(TOOLS))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "infra", tmp_path / "infra")
    return tmp_path


def messages(check_tags: ModuleType, root: Path) -> list[str]:
    found = check_tags.check_terraform(root) + check_tags.check_kubernetes(root)
    return [str(finding) for finding in found]


def test_the_project_passes(check_tags: ModuleType) -> None:
    assert messages(check_tags, ROOT) == []
    assert check_tags.main([str(ROOT)]) == 0


def test_a_kubernetes_label_removed_is_named(check_tags: ModuleType, copy: Path) -> None:
    path = copy / KUSTOMIZATION
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^\s+team: .*\n", text, re.MULTILINE)
    path.write_text(re.sub(r"^\s+team: .*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    found = messages(check_tags, copy)
    assert any("Deployment/" in line and "missing tag(s) team" in line for line in found), found
    assert any("pod template labels: missing tag(s) team" in line for line in found), found


def test_an_object_outside_the_labels_is_named(check_tags: ModuleType, copy: Path) -> None:
    """An object an overlay adds itself gets its environment label only."""
    overlay = copy / "infra/k8s/overlays/dev"
    (overlay / "extra.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n",
        encoding="utf-8",
    )
    kustomization = overlay / "kustomization.yaml"
    text = kustomization.read_text(encoding="utf-8")
    kustomization.write_text(
        text.replace("  - ../../base\n", "  - ../../base\n  - extra.yaml\n"), encoding="utf-8"
    )
    found = messages(check_tags, copy)
    assert len(found) == 1, found
    assert "infra/k8s/overlays/dev" in found[0]
    assert "ConfigMap/extra" in found[0]
    assert "missing tag(s) cost-centre, project, team, managed-by, data-classification" in found[0]
{%- if cookiecutter.cloud_provider != "none" %}


def tag_lines(root: Path) -> list[tuple[Path, int, str]]:
    """(file, line index, resource) of each resource's own line giving it the shared map."""
    found = []
    for path in sorted((root / TERRAFORM).rglob("*.tf")):
        resource = None
        for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            match = RESOURCE.match(line)
            if match:
                resource = f"{match.group(1)}.{match.group(2)}"
            elif line.startswith(("data ", "provider ", "locals ", "terraform ")):
                resource = None
            if resource and TAG_LINE.match(line):
                found.append((path, index, resource))
    return found


def test_any_one_resource_without_its_tags_is_named(check_tags: ModuleType, copy: Path) -> None:
    """Each resource's own tag line, removed alone, fails naming that resource and file."""
    lines = tag_lines(copy)
    assert lines, "no resource sets the shared map itself: nothing to plant"
    for path, index, resource in lines:
        original = path.read_text(encoding="utf-8")
        kept = original.splitlines(keepends=True)
        path.write_text("".join(kept[:index] + kept[index + 1 :]), encoding="utf-8")
        try:
            found = messages(check_tags, copy)
        finally:
            path.write_text(original, encoding="utf-8")
        shown = str(path.relative_to(copy))
        assert found, f"{shown}: {resource} without its tags passed"
        assert all(shown in line and resource in line for line in found), found
        assert all("missing tag(s) cost-centre" in line for line in found), found


def test_a_key_removed_from_the_shared_map_is_named(check_tags: ModuleType, copy: Path) -> None:
    for path in sorted((copy / TERRAFORM).rglob("tags.tf")):
        original = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^\s+team\s+=.*\n", "", original, flags=re.MULTILINE))
        found = messages(check_tags, copy)
        path.write_text(original)
        shown = str(path.relative_to(copy))
        assert any(shown in line and "missing tag(s) team" in line for line in found), found
        resources = [line for line in found if shown not in line]
        assert resources, "only the map was named, not the resources it leaves untagged"
        assert all("missing tag(s) team" in line for line in resources), resources


def test_an_unknown_resource_type_is_named(check_tags: ModuleType, copy: Path) -> None:
    folder = sorted(path.parent for path in (copy / TERRAFORM).rglob("tags.tf"))[0]
    (folder / "extra.tf").write_text('resource "made_up_thing" "x" {}\n', encoding="utf-8")
    found = messages(check_tags, copy)
    assert len(found) == 1, found
    assert "made_up_thing.x" in found[0]
    assert "not in tools/check_tags.py's tables" in found[0]
{%- if cookiecutter.cloud_provider in ["aws", "gcp"] %}


def test_the_provider_default_removed_is_named(check_tags: ModuleType, copy: Path) -> None:
    """Without the provider's default tags, the resources that relied on it are named."""
    for path in sorted((copy / TERRAFORM).rglob("providers.tf")):
        original = path.read_text(encoding="utf-8")
        changed = re.sub(r"  default_tags \{\n    tags = local.tags\n  \}\n", "", original)
        changed = re.sub(r"  default_labels = local.labels\n", "", changed)
        assert changed != original, f"{path}: no provider default to remove"
        path.write_text(changed, encoding="utf-8")
    found = messages(check_tags, copy)
    assert found
    assert all("missing tag(s) cost-centre, project, team" in line for line in found), found
{%- endif %}
{%- endif %}
