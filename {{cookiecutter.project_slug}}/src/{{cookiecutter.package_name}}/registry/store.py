"""The registry's store: immutable versions and one alias per environment, on fsspec.

Layout under the registry's URL::

    versions/<id>/<file>          # model.joblib, lean.json, ..., metadata.json
    versions/<id>/manifest.json   # written last: every other file's sha256
    aliases/<env>.json            # current version, previous ones, event history

A version is visible once its manifest exists, and the manifest is written after every
other file, so a publish killed half-way leaves no visible version (only an orphaned
folder that no command lists). The id ends with the first characters of the manifest's
own sha256, so a changed manifest no longer matches its id; every other file is checked
against the manifest each time it is read. This catches damaged or edited files; it is
no defence against someone who may write the store (they could publish instead).

What is atomic where:

- a local folder: each file is written beside its destination and renamed into place
  (:mod:`{{ cookiecutter.package_name }}.io`); the manifest is linked into place, so it
  can never replace an existing one. An alias's read-modify-write holds a lock file
  (``fcntl.flock``), so concurrent promotions of one environment run one after the
  other and none loses an event.
- an object store (``s3://``, ``gs://``, ``az://``): a single PUT is atomic, so an
  alias is never seen half-written and never names a version that was not complete
  when it was written. There is no lock across writers: two promotions of the same
  environment at the same moment can lose one of the two events (the last write wins).
  Conditional writes (S3 ``If-None-Match`` / ``If-Match``, GCS generation preconditions)
  are the way to add one; run promotions from one place (a CI job) until then.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.config import ENVIRONMENTS
from {{ cookiecutter.package_name }}.errors import InputError, quote, quote_all
from {{ cookiecutter.package_name }}.io import atomic_path

MANIFEST = "manifest.json"
METADATA = "metadata.json"
# v<UTC time to the microsecond>Z-<12 hex>: sorts by creation time, unique without a lock.
VERSION_ID = re.compile(r"v\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SHOWN_VERSIONS = 5  # known versions an unknown-version error lists (the latest)


class RegistryError(InputError):
    """A registry request that cannot be met: unknown version, no history, bad URL, ..."""


class ChecksumError(RegistryError):
    """A stored file whose sha256 is not the one its manifest (or id) records."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the microsecond (``2026-11-28T22:45:12.123456Z``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclasses.dataclass(frozen=True)
class Event:
    """One move of an alias: a promotion or a rollback, by whom, when and why."""

    action: str  # "promote" or "rollback"
    version: str  # the version the alias holds after the event
    previous: str | None  # the version it held before (None: never promoted)
    who: str
    when: str  # UTC, ISO 8601
    reason: str | None = None
    forced: bool = False  # promoted with --force
    overridden: tuple[str, ...] = ()  # the gate's objections that --force overrode

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "overridden": list(self.overridden)}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Event:
        return cls(**{**raw, "overridden": tuple(raw.get("overridden", ()))})


@dataclasses.dataclass(frozen=True)
class Alias:
    """An environment's alias: what it holds, what it held (for rollback), every event."""

    version: str | None = None
    previous: tuple[str, ...] = ()  # a stack: the last is what rollback returns to
    events: tuple[Event, ...] = ()

    def to_json(self, env: str) -> dict[str, Any]:
        return {
            "env": env,
            "version": self.version,
            "previous": list(self.previous),
            "events": [event.to_json() for event in self.events],
        }


def _check_env(env: str) -> None:
    if env not in ENVIRONMENTS:
        raise RegistryError(
            f"expected an environment among {list(ENVIRONMENTS)}, found {quote(env)}"
        )


def _check_file_name(name: str) -> None:
    if not FILE_NAME.fullmatch(name) or name in (MANIFEST, METADATA):
        raise RegistryError(
            f"expected a plain file name (letters, digits, '.', '_', '-'; not {MANIFEST} or "
            f"{METADATA}) for a version's file, found {quote(name)}"
        )


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8")


class Registry:
    """A model registry at ``url``: a local folder or any fsspec URL (``memory://`` too)."""

    def __init__(self, url: str) -> None:
        import fsspec  # type: ignore[import-untyped]  # here: the CLI parser is built without it
        from fsspec.implementations.local import LocalFileSystem  # type: ignore[import-untyped]

        self.url = url
        try:
            self._fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as error:
            raise RegistryError(
                f"registry {quote(url)}: expected a folder or a URL fsspec can open "
                f"(s3://, gs://, az:// need the project's `cloud` extra), found: {error}"
            ) from error
        self._root = str(root).rstrip("/")
        self._local = isinstance(self._fs, LocalFileSystem)

    # -- paths and raw files -----------------------------------------------------------

    def _path(self, *parts: str) -> str:
        return "/".join((self._root, *parts))

    def _write_file(self, path: str, data: bytes) -> None:
        """Write one file whole: renamed into place locally, one PUT on an object store."""
        if self._local:
            with atomic_path(path) as temporary:
                temporary.write_bytes(data)
        else:
            self._fs.pipe_file(path, data)

    def _create_file(self, path: str, data: bytes) -> None:
        """Write a file that must not exist yet; locally, linking refuses an existing one."""
        if not self._local:
            if self._fs.exists(path):
                raise FileExistsError(path)
            self._fs.pipe_file(path, data)
            return
        with atomic_path(path + ".new") as temporary:  # fsynced, then renamed to .new
            temporary.write_bytes(data)
        try:
            os.link(path + ".new", path)  # fails if path exists: never replaces a manifest
        except FileExistsError:
            raise
        except OSError as error:  # a file system without hard links, a full disk, ...
            raise RegistryError(
                f"{path}: could not create the file ({error.strerror or error}); the version "
                "stays invisible, publish again"
            ) from error
        finally:
            Path(path + ".new").unlink(missing_ok=True)

    def _cat(self, path: str) -> bytes | None:
        """The bytes at ``path``; None if there is no such file."""
        try:
            data: bytes = self._fs.cat_file(path)
        except (FileNotFoundError, IsADirectoryError):
            return None
        except OSError as error:
            raise RegistryError(f"{self.url}: cannot read {path} ({error})") from error
        return data

    # -- versions ----------------------------------------------------------------------

    def versions(self) -> list[str]:
        """The published versions (their manifest exists), oldest first."""
        try:
            folders = self._fs.ls(self._path("versions"), detail=False)
        except FileNotFoundError:
            return []
        names = [str(folder).rstrip("/").rsplit("/", 1)[-1] for folder in folders]
        return sorted(
            name
            for name in names
            if VERSION_ID.fullmatch(name)
            and self._fs.exists(self._path("versions", name, MANIFEST))
        )

    def _unknown(self, version: str) -> RegistryError:
        known = self.versions()
        if not known:
            return RegistryError(
                f"unknown version {quote(version)}: the registry {self.url} holds no version yet "
                "(publish one with `registry publish`)"
            )
        latest = quote_all(known[-SHOWN_VERSIONS:])
        return RegistryError(
            f"unknown version {quote(version)} in the registry {self.url}; expected one of "
            f"its {len(known)} versions, the latest: {latest} (see `registry list`)"
        )

    def _manifest(self, version: str) -> dict[str, Any]:
        """The version's manifest, checked against the digest its id ends with."""
        if not VERSION_ID.fullmatch(version):
            raise self._unknown(version)
        data = self._cat(self._path("versions", version, MANIFEST))
        if data is None:
            raise self._unknown(version)
        found = sha256(data)
        expected = version.rsplit("-", 1)[1]
        if not found.startswith(expected):
            raise ChecksumError(
                f"version {version}: {MANIFEST} was changed after publishing: its id expects "
                f"a sha256 starting {expected}, found {found}; refusing to use this version"
            )
        manifest: dict[str, Any] = json.loads(data)
        return manifest

    def files(self, version: str) -> dict[str, str]:
        """The version's files (manifest excluded), each with its sha256."""
        return dict(self._manifest(version)["files"])

    def read(self, version: str, name: str) -> bytes:
        """A version's file, after checking its sha256 against the manifest."""
        files = self.files(version)
        if name not in files:
            raise RegistryError(
                f"version {version} has no file {quote(name)}; expected one of {sorted(files)}"
            )
        data = self._cat(self._path("versions", version, name))
        if data is None:
            raise ChecksumError(
                f"version {version}: {name} is missing from the store although its manifest "
                f"lists it (sha256 {files[name]}); refusing to use this version"
            )
        found = sha256(data)
        if found != files[name]:
            raise ChecksumError(
                f"version {version}: {name} does not match its manifest: expected sha256 "
                f"{files[name]}, found {found}; the stored file was changed or damaged, "
                "refusing to use it"
            )
        return data

    def metadata(self, version: str) -> dict[str, Any]:
        """The version's metadata.json, checked."""
        metadata: dict[str, Any] = json.loads(self.read(version, METADATA))
        return metadata

    def publish(
        self, files: Mapping[str, bytes], metadata: Mapping[str, Any], *, created: str | None = None
    ) -> str:
        """Store ``files`` and ``metadata`` as a new version; return its id.

        ``created`` (UTC ISO, default now) sets the id's time. The files are written
        first, the manifest last: until it exists the version is not visible, and once
        it exists nothing of the version is ever written again.
        """
        for name in files:
            _check_file_name(name)
        created = created or utc_now()
        contents = {**files, METADATA: _dumps(dict(metadata))}
        manifest = _dumps(
            {
                "created": created,
                "files": {name: sha256(data) for name, data in sorted(contents.items())},
            }
        )
        stamp = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ").strftime("%Y%m%dT%H%M%S.%f")
        version = f"v{stamp}Z-{sha256(manifest)[:12]}"
        folder = self._path("versions", version)
        if self._fs.exists(folder):
            raise RegistryError(
                f"version {version} already exists in {self.url}: a version never changes; "
                "publish again for a new one"
            )
        try:
            for name, data in contents.items():
                self._write_file(f"{folder}/{name}", data)
            self._create_file(f"{folder}/{MANIFEST}", manifest)
        except FileExistsError as error:
            raise RegistryError(
                f"version {version} was published by someone else meanwhile: a version "
                "never changes; publish again for a new one"
            ) from error
        return version

    # -- aliases -----------------------------------------------------------------------

    def _alias_path(self, env: str) -> str:
        return self._path("aliases", f"{env}.json")

    def _alias(self, env: str) -> Alias:
        data = self._cat(self._alias_path(env))
        if data is None:
            return Alias()
        try:
            raw = json.loads(data)
            return Alias(
                raw["version"],
                tuple(raw["previous"]),
                tuple(Event.from_json(event) for event in raw["events"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryError(
                f"{self._alias_path(env)}: expected the alias of {env} written by the registry, "
                f"found a file that does not parse ({error})"
            ) from error

    @contextlib.contextmanager
    def _locked(self, env: str) -> Iterator[None]:
        """Hold the alias's lock (local folders); object stores have none (see above)."""
        if not self._local:
            yield
            return
        import fcntl

        path = Path(self._path("aliases", f".{env}.lock"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _save_alias(self, env: str, alias: Alias) -> None:
        self._write_file(self._alias_path(env), _dumps(alias.to_json(env)))

    def current(self, env: str) -> str | None:
        """The version ``env``'s alias holds (None: never promoted); one small read."""
        _check_env(env)
        return self._alias(env).version

    def history(self, env: str) -> list[Event]:
        """The alias's events, oldest first."""
        _check_env(env)
        return list(self._alias(env).events)

    def promote(
        self,
        version: str,
        env: str,
        *,
        force: bool = False,
        reason: str | None = None,
        who: str,
    ) -> Event | None:
        """Point ``env``'s alias at ``version``; None if it already holds it.

        Refused (:class:`~{{ cookiecutter.package_name }}.registry.gate.PromotionRefusedError`) if
        the version is worse than the one the alias holds, unless ``force`` with a reason.
        """
        from {{ cookiecutter.package_name }}.registry import gate

        _check_env(env)
        reason = (reason or "").strip() or None
        if force and reason is None:
            raise RegistryError(
                f"promote {version} to {env}: --force needs --reason TEXT saying why "
                "(it is recorded in the history); found none"
            )
        candidate = self.metadata(version)  # an unknown or damaged version stops here
        with self._locked(env):
            alias = self._alias(env)
            if alias.version == version:
                return None
            objections: list[str] = []
            if alias.version is not None:
                try:
                    objections = gate.objections(candidate, self.metadata(alias.version))
                except ChecksumError as error:  # a damaged current version: replace it, forced
                    objections = [f"the current version cannot be compared ({error})"]
                if objections and not force:
                    raise gate.PromotionRefusedError(version, env, alias.version, objections)
            event = Event(
                "promote", version, alias.version, who, utc_now(), reason, force, tuple(objections)
            )
            previous = alias.previous + ((alias.version,) if alias.version else ())
            self._save_alias(env, Alias(version, previous, (*alias.events, event)))
        return event

    def rollback(self, env: str, *, who: str, reason: str | None = None) -> Event:
        """Point ``env``'s alias back at the version it held before its last promotion."""
        _check_env(env)
        with self._locked(env):
            alias = self._alias(env)
            if not alias.previous:
                held = f"it holds {alias.version}" if alias.version else "it was never promoted"
                raise RegistryError(
                    f"rollback of {env}: nothing to roll back to: the alias has no previous "
                    f"version ({held})"
                )
            target = alias.previous[-1]
            self.metadata(target)  # never point the alias at a damaged version
            event = Event("rollback", target, alias.version, who, utc_now(), reason)
            self._save_alias(env, Alias(target, alias.previous[:-1], (*alias.events, event)))
        return event

    def aliases(self) -> dict[str, str]:
        """Each environment whose alias holds a version, with that version."""
        held = {env: self.current(env) for env in ENVIRONMENTS}
        return {env: version for env, version in held.items() if version is not None}
