"""Following an environment's alias: every server (every pod, every node) runs one.

A follower reads the alias (one small read of the store) every ``poll_interval``
seconds, on a thread of its own. When the alias names a version it does not serve, it
loads that version in the background - each file checked against the version's
manifest (``Registry.read``), the lean model and the contract parsed as data (nothing
in a version can execute) - and swaps it in with one assignment: a request takes
:attr:`Follower.current` once and is answered wholly by that version, whatever happens
during the request. A version that fails to load or verify is refused: the old version
keeps serving, the refusal is logged and counted, and the follower does not try it again
until the alias moves to another version. A store that cannot be reached is logged and
tried again at the next poll.

So a promotion or a rollback reaches every follower within one poll interval plus one
load, however many followers there are (``tools/fleet.py`` measures it for 1,000); a
rollback to a version served a moment ago is quicker still, as the last few versions
stay loaded (:data:`KEPT_VERSIONS`).
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.serving.schema import RecordSchema

LOG = logging.getLogger(__name__)
KEPT_VERSIONS = 3  # loaded versions kept in memory, so a rollback needs no load
VERSION_FILES = ("lean.json", "lean.npz", "contract.yaml")


@dataclasses.dataclass(frozen=True)
class Served:
    """A loaded, verified version: what answers a request, start to end."""

    version: str
    model: LeanModel
    contract: Contract
    schema: RecordSchema
    load_seconds: float


def load_version(registry: Registry, version: str) -> Served:
    """Read ``version``'s files (each checked against its sha256) and build what serves it.

    Raises an :class:`InputError` (unknown version, checksum mismatch, malformed file)
    naming what is wrong; nothing of a version is executed, only parsed.
    """
    started = time.perf_counter()
    metadata = registry.metadata(version)
    files = {name: registry.read(version, name) for name in VERSION_FILES}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contract.yaml"
        path.write_bytes(files["contract.yaml"])
        contract = load_contract(path, str(metadata["target"]["column"]))
    model = LeanModel.from_files(files)
    if list(model.classes) != list(contract.target.classes):
        raise InputError(
            f"version {version}: the model's classes {list(model.classes)} differ from its "
            f"contract's {list(contract.target.classes)}"
        )
    return Served(version, model, contract, RecordSchema(contract), time.perf_counter() - started)


@dataclasses.dataclass
class Events:
    """What a follower reports: hooks for the server's metrics (no-ops by default)."""

    swapped: Callable[[str | None, Served], None] = lambda previous, served: None
    refused: Callable[[str, str], None] = lambda version, reason: None
    poll_failed: Callable[[str], None] = lambda reason: None


class Follower:
    """Serves the version ``env``'s alias holds, swapping it when the alias moves."""

    def __init__(
        self,
        registry: Registry,
        env: str,
        poll_interval: float,
        events: Events | None = None,
        loader: Callable[[Registry, str], Served] = load_version,
    ) -> None:
        self.registry = registry
        self.env = env
        self.poll_interval = poll_interval
        self.events = events or Events()
        self.loader = loader
        # Read by every request, written only by the polling thread, and always a whole
        # Served: one attribute assignment is atomic, so no request sees half a swap.
        self.current: Served | None = None
        self.alias: str | None = None  # what the alias held at the last poll
        self.refused: dict[str, str] = {}  # version -> why it was refused
        self._loaded: OrderedDict[str, Served] = OrderedDict()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> None:
        """Read the alias once; load and swap in the version it names, if new and sound."""
        try:
            target = self.registry.current(self.env)
        except Exception as error:  # the store may be down: keep serving, try again
            LOG.warning(
                "alias %s: could not be read (%s); still serving %s", self.env, error, self.version
            )
            self.events.poll_failed(type(error).__name__)
            return
        self.alias = target
        if target is None or target == self.version or target in self.refused:
            return
        served = self._loaded.get(target)
        if served is None:
            try:
                served = self.loader(self.registry, target)
            except InputError as error:
                self.refused[target] = str(error)
                LOG.error("version %s refused (%s); still serving %s", target, error, self.version)
                self.events.refused(target, str(error))
                return
            except Exception as error:  # a failed read: not the version's fault, try again
                LOG.warning("version %s: could not be loaded (%s); will retry", target, error)
                self.events.poll_failed(type(error).__name__)
                return
        self._loaded[target] = served
        self._loaded.move_to_end(target)
        while len(self._loaded) > KEPT_VERSIONS:
            self._loaded.popitem(last=False)
        previous, self.current = self.version, served
        LOG.info(
            "alias %s: now serving %s (was %s; loaded in %.3f s)",
            self.env,
            target,
            previous,
            served.load_seconds,
        )
        self.events.swapped(previous, served)

    @property
    def version(self) -> str | None:
        current = self.current
        return None if current is None else current.version

    def start(self) -> None:
        """Poll now (a server is ready as soon as it starts, if the alias holds a sound
        version), then every ``poll_interval`` seconds on a background thread."""
        self._stop.clear()
        self.poll()
        self._thread = threading.Thread(target=self._run, name=f"follow-{self.env}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_interval):
            self.poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_interval + 5)
