"""The model registry: immutable model versions and the environments' aliases.

``publish`` stores what the pipeline produced as a version (model, lean export,
contract, metadata, reference profile, model card) that never changes;
``promote`` and ``rollback`` move an environment's alias (dev, test, uat, live) behind
a promotion gate. The store is a folder or an fsspec URL (``s3://``, ``gs://``,
``az://``, ``memory://``): see :mod:`{{ cookiecutter.package_name }}.registry.store`.
"""

from {{ cookiecutter.package_name }}.registry.store import (
    ChecksumError,
    Event,
    Registry,
    RegistryError,
)

__all__ = ["ChecksumError", "Event", "Registry", "RegistryError"]
