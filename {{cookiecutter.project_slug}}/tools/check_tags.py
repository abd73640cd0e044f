"""Every Terraform resource and every Kubernetes object carries the mandatory cost tags.

Run by ``make lint`` (so by ``make check``) and by the pre-commit hook ``cost-tags`` on
changes under infra/. The tags are the ones a cost report groups by (docs/cost.md):
``cost-centre``, ``project``, ``team``, ``environment``, ``managed-by`` and
``data-classification``.

1. Terraform (``infra/terraform/<cloud>/<stack>/``, parsed with python-hcl2): the shared
   map (``local.tags``, or ``local.labels`` on Google Cloud) holds every mandatory key;
   the provider applies it by default where it can (aws ``default_tags``, google
   ``default_labels``); every resource carries it where defaults do not reach (azurerm
   has none; node pools' instances, launch templates' instances). Each resource type is
   in one table below, with where its tags go, or in the table of types that take none:
   an unknown type fails, so a new resource is a decision, never a silent gap.
2. Kubernetes: every object each overlay renders, the server's and the training run's
   (``infra/k8s/overlays/<env>/`` and ``<env>/training/``; tools/check_deploy.py's renderer, so
   the labels are those kustomize applies) has every mandatory label, and so does the
   pod template of a workload, since cost tools (OpenCost, Kubecost) charge pods.

Usage: ``python tools/check_tags.py [PROJECT_ROOT]`` (default: the current directory).
Exit 1, with one line per finding naming the file, the resource and the missing tags.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from check_deploy import OVERLAYS, RenderError, render  # tools/, beside this script

PROGRAM = "tools/check_tags.py"
MANDATORY = (
    "cost-centre",
    "project",
    "team",
    "environment",
    "managed-by",
    "data-classification",
)
TERRAFORM = Path("infra/terraform")
# The shared map's name per provider, and how the provider applies it to every resource.
SHARED_MAP = {"aws": "tags", "google": "labels", "azurerm": "tags"}
# Where a resource type's tags go: attribute paths (a block name repeats for each block).
# `default=True`: the provider's default tags reach the first path without it being set.
Where = tuple[str, ...]


@dataclass(frozen=True)
class Tagged:
    paths: tuple[Where, ...]
    default: bool


TAGS = Tagged((("tags",),), default=True)
LABELS = Tagged((("labels",),), default=True)
EXPLICIT_TAGS = Tagged((("tags",),), default=False)
TAGGED: dict[str, Tagged] = {
    # aws: default_tags reach every resource with a `tags` argument.
    "aws_s3_bucket": TAGS,
    "aws_kms_key": TAGS,
    "aws_iam_role": TAGS,
    "aws_eks_cluster": TAGS,
    "aws_eks_addon": TAGS,
    "aws_eks_node_group": TAGS,
    "aws_eks_pod_identity_association": TAGS,
    "aws_budgets_budget": TAGS,
    # The instances and volumes an Auto Scaling group launches get no default tags.
    "aws_launch_template": Tagged((("tags",), ("tag_specifications", "tags")), default=True),
    # google: default_labels reach `labels`; the clusters' and nodes' labels are set here.
    "google_storage_bucket": LABELS,
    "google_kms_crypto_key": LABELS,
    "google_container_cluster": Tagged((("resource_labels",),), default=False),
    "google_container_node_pool": Tagged((("node_config", "resource_labels"),), default=False),
    # azurerm: no default tags at all.
    "azurerm_resource_group": EXPLICIT_TAGS,
    "azurerm_storage_account": EXPLICIT_TAGS,
    "azurerm_user_assigned_identity": EXPLICIT_TAGS,
    "azurerm_kubernetes_cluster": Tagged((("tags",), ("default_node_pool", "tags")), default=False),
    "azurerm_kubernetes_cluster_node_pool": EXPLICIT_TAGS,
}
# Types that take no tags (their provider has no such argument): nothing to check.
UNTAGGED = frozenset(
    {
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "google_kms_key_ring",
        "google_kms_crypto_key_iam_member",
        "google_service_account",
        "google_service_account_iam_member",
        "google_project_iam_custom_role",
        "google_project_iam_member",
        "google_storage_bucket_iam_member",
        "google_billing_budget",
        "azurerm_storage_container",
        "azurerm_storage_management_policy",
        "azurerm_role_assignment",
        "azurerm_federated_identity_credential",
        "azurerm_consumption_budget_resource_group",
    }
)
# Kubernetes objects whose pods are charged: where their pod template is.
POD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


@dataclass(frozen=True)
class Finding:
    file: str
    resource: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.resource}: {self.message}"


def _missing(present: set[str]) -> str:
    return "missing tag(s) " + ", ".join(key for key in MANDATORY if key not in present)


# --- Terraform -----------------------------------------------------------------------


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _empty(value: Any) -> bool:
    return value is None or str(value).strip() in {"", '""', "null", "${null}"}


def _reference(shared: str) -> str:
    """``${local.tags}``: how python-hcl2 shows a reference to the shared map."""
    return "${local." + shared + "}"


@dataclass
class Stack:
    """One Terraform root module: its parsed files, its shared map and its defaults."""

    folder: Path
    files: dict[Path, dict[str, Any]]
    texts: dict[Path, str]

    def blocks(self, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
        for path, parsed in self.files.items():
            for block in parsed.get(kind, []):
                yield path, block


def parse_stack(folder: Path) -> tuple[Stack, list[Finding]]:
    files: dict[Path, dict[str, Any]] = {}
    texts: dict[Path, str] = {}
    found: list[Finding] = []
    for path in sorted(folder.glob("*.tf")):
        texts[path] = path.read_text(encoding="utf-8")
        try:
            files[path] = hcl2.loads(texts[path])
        except Exception as error:  # any parse error: report it, go on
            found.append(Finding(str(path), "file", f"not valid HCL: {error}"))
    return Stack(folder, files, texts), found


def _expression_keys(value: Any, shared: str, shared_keys: set[str]) -> set[str] | None:
    """The mandatory keys a tags value holds; None when the expression cannot be read."""
    if isinstance(value, dict):
        return {_unquote(str(k)) for k, v in value.items() if not _empty(v)} & set(MANDATORY)
    text = str(value).strip()
    if text == _reference(shared):
        return set(shared_keys)
    merged = re.fullmatch(r"\$\{merge\(local\." + shared + r",\s*\{(.*)\}\)\}", text, re.DOTALL)
    if merged:
        removed = {
            _unquote(key)
            for key, val in re.findall(r'("?[\w-]+"?)\s*=\s*(null|"")', merged.group(1))
            if val
        }
        return set(shared_keys) - removed
    return None


def _values_at(body: dict[str, Any], path: Where) -> list[Any]:
    """The values at ``path``: one per block on the way (``[]`` where a block is missing)."""
    head, *rest = path
    if not rest:
        return [body.get(head)]
    blocks = body.get(head) or []
    blocks = blocks if isinstance(blocks, list) else [blocks]
    if not blocks:
        return [None]
    return [value for block in blocks for value in _values_at(block, tuple(rest))]


def check_stack(stack: Stack, root: Path) -> list[Finding]:
    found: list[Finding] = []
    shown = {path: str(path.relative_to(root)) for path in stack.texts}
    providers = {
        _unquote(name): (path, body)
        for path, block in stack.blocks("provider")
        for name, body in block.items()
        if not name.startswith("__")
    }
    if len(providers) != 1:
        folder = str(stack.folder.relative_to(root))
        return [Finding(folder, "provider", f"expected one provider, found {sorted(providers)}")]
    provider, (provider_path, provider_body) = next(iter(providers.items()))
    shared = SHARED_MAP.get(provider)
    if shared is None:
        return [Finding(shown[provider_path], f"provider {provider}", "no cost-tag rules for it")]
    maps = [(path, block[shared]) for path, block in stack.blocks("locals") if shared in block]
    if len(maps) != 1 or not isinstance(maps[0][1], dict):
        folder = str(stack.folder.relative_to(root))
        return [Finding(folder, f"local.{shared}", "expected one shared map of the cost tags")]
    map_path, shared_map = maps[0]
    shared_keys = {_unquote(str(k)) for k, v in shared_map.items() if not _empty(v)}
    if not set(MANDATORY) <= shared_keys:
        found.append(Finding(shown[map_path], f"local.{shared}", _missing(shared_keys)))
    default = False
    if provider == "aws":
        blocks = provider_body.get("default_tags") or []
        default = any(block.get("tags") == _reference(shared) for block in blocks)
    elif provider == "google":
        default = provider_body.get("default_labels") == _reference(shared)
    for path, block in stack.blocks("resource"):
        for kind_quoted, named in block.items():
            kind = _unquote(kind_quoted)
            for name_quoted, body in named.items():
                if name_quoted.startswith("__"):
                    continue
                name = _unquote(name_quoted)
                found += _check_resource(
                    kind, name, body, shared, shared_keys, default, shown[path]
                )
    return found


def _check_resource(
    kind: str,
    name: str,
    body: dict[str, Any],
    shared: str,
    shared_keys: set[str],
    default: bool,
    shown: str,
) -> list[Finding]:
    label = f"{kind}.{name}"
    if kind in UNTAGGED:
        return []
    rule = TAGGED.get(kind)
    if rule is None:
        return [
            Finding(
                shown,
                label,
                f"resource type not in {PROGRAM}'s tables: add it to TAGGED (where its tags "
                "go) or to UNTAGGED (it takes none)",
            )
        ]
    found = []
    for index, path in enumerate(rule.paths):
        for value in _values_at(body, path):
            keys = set() if value is None else _expression_keys(value, shared, shared_keys)
            where = ".".join(path)
            if keys is None:
                found.append(
                    Finding(
                        shown,
                        label,
                        f"{where} = {value}: cannot tell which tags it holds; "
                        f"use local.{shared} or merge(local.{shared}, <a map>)",
                    )
                )
                continue
            if index == 0 and rule.default and default:
                removed = set()
                if isinstance(value, dict):
                    removed = {_unquote(str(k)) for k, v in value.items() if _empty(v)}
                keys = (keys | shared_keys) - removed
            if not set(MANDATORY) <= keys:
                found.append(Finding(shown, label, f"{where}: {_missing(keys)}"))
    return found


def check_terraform(root: Path) -> list[Finding]:
    found: list[Finding] = []
    folders = sorted({path.parent for path in (root / TERRAFORM).rglob("*.tf")})
    for folder in folders:
        stack, errors = parse_stack(folder)
        found += errors or check_stack(stack, root)
    return found


# --- Kubernetes ----------------------------------------------------------------------


def _at(manifest: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = manifest
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def kustomizations(root: Path) -> list[Path]:
    """Each environment's overlay and, where there is one, its training run's."""
    overlays = sorted(path for path in (root / OVERLAYS).glob("*") if path.is_dir())
    training = [path / "training" for path in overlays if (path / "training").is_dir()]
    return overlays + training


def check_kubernetes(root: Path) -> list[Finding]:
    found: list[Finding] = []
    for overlay in kustomizations(root):
        shown = str(overlay.relative_to(root))
        try:
            resources = render(overlay)
        except RenderError as error:
            found.append(Finding(shown, "kustomization", f"cannot render: {error}"))
            continue
        for resource in resources:
            places: dict[str, tuple[str, ...]] = {"metadata.labels": ("metadata", "labels")}
            template = POD_TEMPLATES.get(resource.kind)
            if template is not None:
                places["pod template labels"] = (*template, "metadata", "labels")
            for where, path in places.items():
                labels = _at(resource.manifest, path) or {}
                present = {key for key, value in labels.items() if not _empty(value)}
                if not set(MANDATORY) <= present:
                    source = resource.source.relative_to(root.resolve())
                    found.append(
                        Finding(
                            f"{shown} ({source})",
                            resource.label,
                            f"{where}: {_missing(present)}",
                        )
                    )
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    found = check_terraform(root) + check_kubernetes(root)
    for finding in found:
        print(f"{PROGRAM}: {finding}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
