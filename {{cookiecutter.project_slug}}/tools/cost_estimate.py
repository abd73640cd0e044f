"""The monthly cost of each environment, from the Terraform variables and assumed prices.

Reads ``infra/terraform/<cloud>/environment/envs/<env>.tfvars`` (node sizes and bounds,
the budget) and prices the compute the way the Terraform provisions it:

- the cluster's control plane, all month;
- the serving nodes: the floor keeps ``serving_min_nodes`` on all month, the ceiling
  ``serving_max_nodes`` (dev and test have a floor of 0: they scale to zero);
- the training nodes, spot, from 0: ``training_max_nodes`` for TRAINING_HOURS a month
  (counted in the ceiling only; a month without training costs nothing);
- on Azure, the one system node AKS keeps.

The shared buckets (DVC remote and registry) are priced for STORAGE_GB. Network egress,
load balancers, logs and taxes are not counted: the budget (``monthly_budget``, with
alerts) is the guard, and each ceiling must stay within it.

The prices are assumptions, listed below with the date they were recorded: check them
against the provider's calculator before relying on a figure. docs/cost.md holds the
table this prints, between its markers; ``--write`` updates it, and
tests/unit/test_cost_estimate.py fails when a tfvars change is not reflected there.

Usage: ``python tools/cost_estimate.py [--write] [PROJECT_ROOT]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

PROGRAM = "tools/cost_estimate.py"
TERRAFORM = Path("infra/terraform")
DOC = Path("docs/cost.md")
START = "<!-- cost-estimate:start (tools/cost_estimate.py --write) -->"
END = "<!-- cost-estimate:end -->"
ENVIRONMENTS = ("dev", "test", "uat", "live")
HOURS_PER_MONTH = 730
TRAINING_HOURS = 40  # hours a month the training pool runs at its maximum (the ceiling)
STORAGE_GB = 100  # the DVC remote and the registry together


@dataclass(frozen=True)
class Prices:
    """USD, on-demand per hour unless named spot; storage per GB-month."""

    recorded: str
    region: str
    source: str
    control_plane: dict[str, float]  # per environment; missing: the default below
    control_plane_default: float
    nodes: dict[str, float]
    spot: dict[str, float]
    storage_gb_month: float
    size_variable: str  # the tfvars key suffix naming a node size


# Public list prices as recorded on the date given (not fetched by this script).
PRICES = {
    "aws": Prices(
        recorded="2026-11-29",
        region="eu-west-1",
        source="aws.amazon.com/ec2/pricing, /eks/pricing, /s3/pricing; spot: the Spot price history",
        control_plane={},
        control_plane_default=0.10,
        nodes={"t3.large": 0.0912, "m5.large": 0.107, "m5.xlarge": 0.214, "m5.2xlarge": 0.428},
        spot={"m5.xlarge": 0.080, "m5.2xlarge": 0.160},
        storage_gb_month=0.023,
        size_variable="instance_type",
    ),
    "gcp": Prices(
        recorded="2026-11-29",
        region="europe-west1",
        source="cloud.google.com/compute/vm-instance-pricing, /kubernetes-engine/pricing, /storage/pricing",
        control_plane={},
        control_plane_default=0.10,
        nodes={
            "e2-standard-2": 0.0737,
            "n2-standard-2": 0.1068,
            "n2-standard-4": 0.2136,
            "n2-standard-8": 0.4273,
        },
        spot={"n2-standard-4": 0.0520, "n2-standard-8": 0.1040},
        storage_gb_month=0.020,
        size_variable="machine_type",
    ),
    "azure": Prices(
        recorded="2026-11-29",
        region="westeurope",
        source="azure.microsoft.com/pricing/details/virtual-machines/linux, /kubernetes-service, /storage/blobs",
        control_plane={"live": 0.10},  # the Standard tier; dev, test and uat: Free
        control_plane_default=0.0,
        nodes={
            "Standard_B2s": 0.0480,
            "Standard_D2s_v5": 0.1150,
            "Standard_D4s_v5": 0.2300,
            "Standard_D8s_v5": 0.4600,
        },
        spot={"Standard_D4s_v5": 0.0460, "Standard_D8s_v5": 0.0920},
        storage_gb_month=0.025,
        size_variable="vm_size",
    ),
}


class EstimateError(Exception):
    """A tfvars file the estimate cannot price."""


@dataclass(frozen=True)
class Row:
    environment: str
    floor: float
    ceiling: float
    budget: float
    basis: str


def _plain(value: Any) -> Any:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else value


def read_tfvars(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise EstimateError(f"{path}: expected the environment's variables, found no file")
    return {key: _plain(value) for key, value in hcl2.loads(path.read_text("utf-8")).items()}


def _price(table: dict[str, float], size: str, where: str) -> float:
    if size not in table:
        raise EstimateError(
            f"{where}: no assumed price for {size!r}; add it to {PROGRAM}'s PRICES "
            f"(known: {', '.join(sorted(table))})"
        )
    return table[size]


def estimate(root: Path) -> tuple[str, Prices, list[Row]] | None:
    """The cloud, its prices and a row per environment; None without Terraform."""
    clouds = [cloud for cloud in PRICES if (root / TERRAFORM / cloud).is_dir()]
    if not clouds:
        return None
    cloud = clouds[0]
    prices = PRICES[cloud]
    rows = []
    for environment in ENVIRONMENTS:
        path = root / TERRAFORM / cloud / "environment" / "envs" / f"{environment}.tfvars"
        values = read_tfvars(path)
        where = str(path.relative_to(root))
        try:
            serving = str(values[f"serving_{prices.size_variable}"])
            training = str(values[f"training_{prices.size_variable}"])
            low, high = int(values["serving_min_nodes"]), int(values["serving_max_nodes"])
            trainers = int(values["training_max_nodes"])
            budget = float(values["monthly_budget"])
        except KeyError as error:
            raise EstimateError(f"{where}: expected the variable {error}, found none") from error
        fixed = HOURS_PER_MONTH * prices.control_plane.get(
            environment, prices.control_plane_default
        )
        if "system_vm_size" in values:
            fixed += HOURS_PER_MONTH * _price(prices.nodes, str(values["system_vm_size"]), where)
        node = HOURS_PER_MONTH * _price(prices.nodes, serving, where)
        spot = TRAINING_HOURS * trainers * _price(prices.spot, training, where)
        basis = f"{low}-{high} x {serving}, training {trainers} x {training} spot"
        rows.append(Row(environment, fixed + low * node, fixed + high * node + spot, budget, basis))
    return cloud, prices, rows


def table(root: Path) -> str:
    """The Markdown that docs/cost.md holds between its markers."""
    found = estimate(root)
    if found is None:
        return "No cloud (cloud_provider=none): no Terraform, no estimate.\n"
    cloud, prices, rows = found
    lines = [
        f"Cloud {cloud}, region {prices.region}, prices recorded {prices.recorded} "
        f"({prices.source}); {HOURS_PER_MONTH} h a month, training {TRAINING_HOURS} h "
        "at its maximum in the ceiling.",
        "",
        "| Environment | Nodes | Floor (USD/month) | Ceiling (USD/month) | Budget (USD/month) |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {row.environment} | {row.basis} | {row.floor:,.0f} | {row.ceiling:,.0f} "
        f"| {row.budget:,.0f} |"
        for row in rows
    ]
    storage = STORAGE_GB * prices.storage_gb_month
    lines += ["", f"Shared buckets: {STORAGE_GB} GB, {storage:,.2f} USD/month."]
    return "\n".join(lines) + "\n"


def documented(text: str) -> str:
    if START not in text or END not in text:
        raise EstimateError(f"{DOC}: expected the markers {START} and {END}")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def main(argv: list[str]) -> int:
    write = "--write" in argv
    rest = [argument for argument in argv if argument != "--write"]
    root = Path(rest[0]) if rest else Path.cwd()
    try:
        fresh = table(root)
        if write:
            path = root / DOC
            text = path.read_text(encoding="utf-8")
            before, after = text.split(START, 1)[0], text.split(END, 1)[1]
            documented(text)  # the markers are there
            temporary = path.with_suffix(".md.tmp")
            temporary.write_text(f"{before}{START}\n{fresh}{END}{after}", encoding="utf-8")
            temporary.replace(path)
    except EstimateError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 1
    print(fresh, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
