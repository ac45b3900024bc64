"""A preview server on a free loopback port, for tests, and a raw HTTP client that sends
paths exactly as written (no normalising of '..')."""

from __future__ import annotations

import contextlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from clinic_handouts.serve.server import PreviewServer
from tests.conftest import TODAY


@contextlib.contextmanager
def running(root: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(
        root, host="127.0.0.1", port=0, log=lambda _line: None, clock=lambda: TODAY
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server: PreviewServer, path: str) -> tuple[int, bytes]:
    address = urlsplit(server.url)
    assert address.hostname and address.port
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
