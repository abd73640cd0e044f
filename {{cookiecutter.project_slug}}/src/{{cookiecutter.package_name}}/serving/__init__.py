"""Serving: the HTTP API that follows an environment's alias, and batch scoring.

- :mod:`.schema`: each request's records checked against the served version's contract;
- :mod:`.follower`: polls the alias, loads and verifies a new version, swaps it in;
- :mod:`.app`: the FastAPI app (``/predict``, ``/health``, ``/ready``, ``/version``,
  ``/metrics``); :mod:`.metrics`: its Prometheus counters;
- :mod:`.server`: ``serve`` (uvicorn); :mod:`.batch`: ``predict --env`` on a whole file.
"""
