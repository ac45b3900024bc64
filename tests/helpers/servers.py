"""A preview server on a free loopback port, for tests, and a raw HTTP client that sends
paths exactly as written (no normalising of '..')."""

from __future__ import annotations

import contextlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clinic_handouts.serve.server import PreviewServer
from tests.conftest import TODAY


@contextlib.contextmanager
def running(root: Path, **options: Any) -> Iterator[PreviewServer]:
    """``options``: PreviewServer's keyword arguments (timeout, max_connections, builder)."""
    server = PreviewServer(
        root, host="127.0.0.1", port=0, log=lambda _line: None, clock=lambda: TODAY, **options
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET ``path``; ``host``: the Host header to send instead of the server's address."""
    status, _headers, body = fetch(server, path, host)
    return status, body


def fetch(
    server: PreviewServer, path: str, host: str | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    address = urlsplit(server.url)
    assert address.hostname and address.port
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host} if host is not None else {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
