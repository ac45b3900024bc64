"""Starting the desk: the address rule (127.0.0.1 unless TLS or a TLS proxy is named)
and uvicorn. The account commands' rules are in desk/users.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import uvicorn

from clinic_handouts.desk.app import Desk, build_app
from clinic_handouts.errors import UsageError, error
from clinic_handouts.serve.server import is_loopback

PROXY_FLAG = "--behind-tls-proxy"
# A host name as staff type it: letters, digits, hyphens and dots (no port, no wildcard).
HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


def checked_host_names(names: Sequence[str]) -> tuple[str, ...]:
    """The --allowed-host names, lower-cased; a UsageError for one that is not a host name
    (a port, a wildcard or a space would widen or break the Host check)."""
    checked = []
    for name in names:
        lowered = name.strip().lower()
        if not HOST_NAME.fullmatch(lowered):
            raise UsageError(
                [
                    error(
                        "",
                        0,
                        "usage",
                        f"--allowed-host {name!r}: give a host name only, such as "
                        "desk.example.org (no port, no '*', no 'https://')",
                    )
                ]
            )
        checked.append(lowered)
    return tuple(checked)


def address_rule(host: str, certfile: Path | None, keyfile: Path | None, proxy: bool) -> str | None:
    """A warning for another address than this computer's; a UsageError when that address
    would carry passwords and patients' addresses unencrypted."""
    if (certfile is None) != (keyfile is None):
        raise UsageError([error("", 0, "usage", "give both --certfile and --keyfile")])
    if is_loopback(host):
        return None
    if certfile is None and not proxy:
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "usage",
                    f"--host {host}: other computers would send passwords and patients' "
                    "addresses unencrypted. Give --certfile and --keyfile, or "
                    f"{PROXY_FLAG} when a TLS proxy is in front of the desk",
                )
            ]
        )
    how = "with TLS" if certfile else "behind a TLS proxy (make sure it is the only way in)"
    return (
        f"warning: the desk listens on {host} {how}: every computer that can reach it can "
        "try to sign in"
    )


def run(
    root: Path,
    host: str,
    port: int,
    certfile: Path | None,
    keyfile: Path | None,
    proxy: bool,
    log: Callable[[str], None],
    allowed_hosts: Sequence[str] = (),
) -> int:
    names = checked_host_names(allowed_hosts)
    warning = address_rule(host, certfile, keyfile, proxy)
    if warning:
        log(warning)
    desk = Desk(root, host, port, tls=certfile is not None or proxy, allowed_hosts=names)
    scheme = "https" if certfile else "http"
    log(f"The front desk is at {scheme}://{host}:{port}/ (stop with Ctrl+C)")
    uvicorn.run(
        build_app(desk),
        host=host,
        port=port,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        log_level="warning",
        server_header=False,
        proxy_headers=proxy,
    )
    return 0
