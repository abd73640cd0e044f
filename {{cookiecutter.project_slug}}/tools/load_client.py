"""A load generator for ``POST /predict``: fixed concurrency, fixed time, one line per answer.

``python tools/load_client.py URL BODY_FILE SECONDS CONCURRENCY OUT`` keeps CONCURRENCY
HTTP/1.1 keep-alive connections busy for SECONDS, each sending the same body and waiting
for its answer before sending the next (a closed loop, like a service calling another).
It speaks the few lines of HTTP it needs over asyncio streams, because a general client
(httpx, aiohttp) spends more time per request than the server it measures would, and the
comparison with a bare endpoint (tools/bench_serving.py) needs the client to be the
cheaper side. For each answer it records when it arrived, how long it took, its status
and the ``model_version`` it names; OUT gets them as JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

VERSION_KEY = b'"model_version":'


async def _connection(
    host: str, port: int, request: bytes, until: float, answers: list[tuple[float, float, int, str]]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (sent := time.time()) < until:
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:
                answers.append((time.time(), time.time() - sent, 0, "closed"))
                return
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            arrived = time.time()
            start = body.find(VERSION_KEY)
            version = ""
            if start >= 0:  # the value is the next JSON string, with or without a space
                start = body.index(b'"', start + len(VERSION_KEY)) + 1
                version = body[start : body.index(b'"', start)].decode()
            answers.append((arrived, arrived - sent, int(status_line.split()[1]), version))
    except (ConnectionError, asyncio.IncompleteReadError) as error:
        answers.append((time.time(), 0.0, 0, type(error).__name__))
    finally:
        writer.close()


async def drive(
    url: str, body: bytes, seconds: float, concurrency: int
) -> list[tuple[float, float, int, str]]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    answers: list[tuple[float, float, int, str]] = []
    until = time.time() + seconds
    await asyncio.gather(
        *(_connection(host, port, request, until, answers) for _ in range(concurrency))
    )
    return answers


def main(argv: list[str]) -> int:
    url, body_file, seconds, concurrency, out = argv
    work = drive(url, Path(body_file).read_bytes(), float(seconds), int(concurrency))
    try:
        import uvloop  # uvicorn[standard] brings it on Linux and macOS: the cheaper loop

        answers = uvloop.run(work)
    except ImportError:
        answers = asyncio.run(work)
    with Path(out).open("w", encoding="utf-8") as stream:
        for arrived, latency, status, version in answers:
            stream.write(json.dumps([arrived, latency, status, version]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
