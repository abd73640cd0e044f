"""What ``GET /metrics`` tells Prometheus: requests, latency, errors, swaps, refusals.

Each server has a registry of its own (not prometheus_client's global one), so several
apps in one process - the tests, the fleet simulation - never mix their counts. The
served version is the label of ``model_version_info`` (1 for the version serving, 0 for
those it served before), so a dashboard shows a rollout or a rollback across the fleet.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds: a one-record request takes about a millisecond; a slow one is worth seeing.
LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ServingMetrics:
    """The counters of one server."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "predict_requests",
            "POST /predict requests answered, by HTTP status",
            ["status"],
            registry=self.registry,
        )
        self.records = Counter(
            "predict_records", "records scored by POST /predict", registry=self.registry
        )
        self.latency = Histogram(
            "predict_latency_seconds",
            "time to answer POST /predict, from the body read to the answer built",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch = Histogram(
            "predict_batch_records",
            "records scored by one call of the model (requests that arrive together share one)",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 1024),
            registry=self.registry,
        )
        self.errors = Counter(
            "predict_errors",
            "POST /predict requests refused or failed, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.swaps = Counter(
            "model_swaps", "versions swapped in (the first load counts)", registry=self.registry
        )
        self.refused = Counter(
            "model_refused",
            "versions the alias named that failed to load or verify",
            registry=self.registry,
        )
        self.poll_failures = Counter(
            "alias_poll_failures",
            "reads of the alias or of a version that failed (retried at the next poll)",
            ["kind"],
            registry=self.registry,
        )
        self.version = Gauge(
            "model_version_info",
            "1 for the version serving, 0 for those served before",
            ["version"],
            registry=self.registry,
        )

    def swapped(self, old: str | None, new: str) -> None:
        self.swaps.inc()
        if old is not None:
            self.version.labels(version=old).set(0)
        self.version.labels(version=new).set(1)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
