"""A front desk served by a real uvicorn on a free 127.0.0.1 port, and a plain HTTP client
that signs in and posts forms the way a browser does (cookies, CSRF tokens), for the desk
tests (and any other test that needs a desk running)."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn

from clinic_handouts.desk.app import COOKIE, Desk, build_app

PASSWORD = "a long desk password"


@dataclass
class Client:
    """A plain HTTP client of the desk on 127.0.0.1:``port``, as a browser talks to it."""

    port: int

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        cookie: str = "",
        host: str | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """One request: (status, headers, page). ``host`` replaces the Host header."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": host if host is not None else f"127.0.0.1:{self.port}"}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.headers), response.read().decode()
        finally:
            connection.close()

    def sign_in(self, name: str = "nurse", password: str = PASSWORD) -> tuple[int, str]:
        """(status, the session cookie or "")."""
        _status, headers, _page = self.request("GET", "/signin")
        token = headers["set-cookie"].split(";")[0]  # desk_signin=...
        value = token.split("=", 1)[1]
        status, headers, _ = self.request(
            "POST",
            "/signin",
            {"csrf": value, "username": name, "password": password},
            cookie=token,
        )
        cookie = headers.get("set-cookie", "")
        return status, cookie.split(";")[0] if cookie.startswith(COOKIE) else ""

    def csrf(self, cookie: str, path: str) -> str:
        """The session's CSRF token, as the form on ``path`` carries it."""
        _s, _h, page = self.request("GET", path, cookie=cookie)
        return page.split('name="csrf" value="')[1].split('"')[0]


@dataclass
class Running(Client):
    """A desk served in this process, and a client of it."""

    desk: Desk
    now: list[float] = field(default_factory=list)  # the desk's clock, when the test set it


@contextlib.contextmanager
def serving(desk: Desk, now: list[float] | None = None) -> Iterator[Running]:
    """Serve ``desk`` on its port until the block ends."""
    server = uvicorn.Server(
        uvicorn.Config(build_app(desk), host="127.0.0.1", port=desk.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield Running(desk.port, desk, now if now is not None else [])
    finally:
        server.should_exit = True
        thread.join(10)
