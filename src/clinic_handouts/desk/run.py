"""Starting the desk: the address rule (127.0.0.1 unless TLS or a TLS proxy is named),
uvicorn, and the account commands' password prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import uvicorn

from clinic_handouts.desk.app import Desk, build_app
from clinic_handouts.errors import UsageError, error
from clinic_handouts.serve.server import is_loopback

PROXY_FLAG = "--behind-tls-proxy"


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
) -> int:
    warning = address_rule(host, certfile, keyfile, proxy)
    if warning:
        log(warning)
    desk = Desk(root, host, port, tls=certfile is not None or proxy)
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
