"""checkov on the Terraform, the rendered Kubernetes objects and the Dockerfile: zero failures.

``make infra-check`` (part of ``make check``). checkov pins versions of libraries that
clash with the project's own tools, so it never enters the project's environment: it
runs from an environment of its own that uv builds once and caches
(``uv tool run --from checkov==CHECKOV_VERSION``; PyPI is needed the first time only).
``--skip-download`` keeps it offline after that: no call to the vendor's platform.

What is scanned:
- ``infra/terraform/`` (the chosen cloud's stacks), framework terraform;
- every overlay of ``infra/k8s/overlays/`` (and each one's training/), rendered by tools/check_deploy.py's renderer
  into a temporary folder, framework kubernetes (checkov does not render kustomize
  without the kustomize binary);
- the Dockerfile, copied beside them, framework dockerfile.

A check that does not apply is skipped inline, next to what it concerns, with its
reason: ``# checkov:skip=<ID>: <reason>`` in Terraform and the Dockerfile, a
``checkov.io/skip<n>: <ID>=<reason>`` annotation in a manifest. A skip without a reason
fails here.

Usage: ``python tools/check_infra.py [PROJECT_ROOT]``. Exit 1 on any failed check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from check_deploy import OVERLAYS, RenderError, render  # tools/, beside this script
from check_tags import kustomizations

PROGRAM = "tools/check_infra.py"
CHECKOV_VERSION = "3.2.490"
# The uv beside this script (tools/uv), also when checking another project folder.
UV_WRAPPER = Path(__file__).resolve().parent / "uv"
TERRAFORM = Path("infra/terraform")
DOCKERFILE = Path("Dockerfile")
# A skip names the check and gives a reason after it.
SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(.*)$")
SKIP_ANNOTATION = re.compile(r"^\s*checkov\.io/skip\d+:\s*([A-Z0-9_]+)(.*)$")


def skips_without_reason(root: Path) -> list[str]:
    found = []
    files = [*(root / TERRAFORM).rglob("*.tf"), root / DOCKERFILE]
    files += list((root / "infra/k8s").rglob("*.yaml"))
    for path in files:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SKIP_COMMENT.search(line) or SKIP_ANNOTATION.match(line)
            if match and len(match.group(2).strip(" :=")) < 10:
                found.append(
                    f"{path.relative_to(root)}:{number}: skip of {match.group(1)}: "
                    "expected its reason after it, found none"
                )
    return found


def checkov(root: Path, *arguments: str) -> list[dict[str, Any]]:
    """checkov's JSON reports (one per framework) for ``arguments``."""
    command = [
        str(UV_WRAPPER),
        "tool",
        "run",
        "--from",
        f"checkov=={CHECKOV_VERSION}",
        "checkov",
        "--skip-download",
        "--quiet",
        "--output",
        "json",
        *arguments,
    ]
    result = subprocess.run(  # noqa: S603  (this project's uv, a pinned checkov)
        command,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(
            f"checkov did not run (exit {result.returncode}): {result.stderr.strip()[-2000:]}"
        )
    # checkov prints one JSON document per target kind; each a report or a list of them.
    reports: list[dict[str, Any]] = []
    decoder, text, start = json.JSONDecoder(), result.stdout, 0
    while text[start:].strip():
        document, end = decoder.raw_decode(text, len(text) - len(text[start:].lstrip()))
        reports += document if isinstance(document, list) else [document]
        start = end
    return reports


def failures(reports: list[dict[str, Any]]) -> list[str]:
    found = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            found.append(
                f"{report.get('check_type')}: {check['check_id']} {check['check_name']}: "
                f"{check['resource']} ({check['file_path']}:{check['file_line_range'][0]})"
            )
    return found


def main(argv: list[str]) -> int:
    root = (Path(argv[0]) if argv else Path.cwd()).resolve()
    found = skips_without_reason(root)
    with tempfile.TemporaryDirectory(prefix="check-infra-") as folder:
        rendered = Path(folder)
        for overlay in kustomizations(root):
            try:
                documents = [resource.manifest for resource in render(overlay)]
            except RenderError as error:
                found.append(f"{overlay.relative_to(root)}: cannot render: {error}")
                continue
            name = "-".join(overlay.relative_to(root / OVERLAYS).parts)
            (rendered / f"{name}.yaml").write_text(
                yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8"
            )
        # checkov ignores --file beside --directory: the Dockerfile joins the manifests.
        shutil.copyfile(root / DOCKERFILE, rendered / DOCKERFILE.name)
        frameworks = {"kubernetes": rendered, "dockerfile": rendered}
        if (root / TERRAFORM).is_dir():
            frameworks["terraform"] = root / TERRAFORM
        targets = [argument for path in {*frameworks.values()} for argument in ("-d", str(path))]
        reports = checkov(root, *targets, "--framework", *frameworks)
        found += [item for item in dict.fromkeys(failures(reports)) if item not in found]
        passed = {str(report.get("check_type")): report["summary"]["passed"] for report in reports}
        for framework, target in frameworks.items():
            if not passed.get(framework):  # nothing scanned passes nothing: never a silent pass
                found.append(f"{framework}: checkov passed no check on {target}")
    for finding in found:
        print(f"{PROGRAM}: {finding}", file=sys.stderr)
    if not found:
        print(f"{PROGRAM}: checkov {CHECKOV_VERSION}: passed {passed}, no failure")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
