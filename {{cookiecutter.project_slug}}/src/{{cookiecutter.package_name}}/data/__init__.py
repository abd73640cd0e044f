"""Data in: ingest a source to ``data/raw``, check it against its contract, split it.

``ingest`` and ``validate`` are pipeline stages (see ``dvc.yaml``); ``contract`` is the
typed view of ``contracts/<name>.yaml`` that every later stage reads its columns from;
``draft`` drafts a contract for a new file; ``files`` reads CSV files defensively.
"""
