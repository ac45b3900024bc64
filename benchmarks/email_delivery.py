"""How long ``handouts email`` takes, and how long it waits before giving up.

    .venv/bin/python -m benchmarks.email_delivery

Sends this repository's sample handout to a mail server on 127.0.0.1 (STARTTLS with a
throw-away certificate and a login, as a clinic's server would need), then times how long
the command takes to give up on a server that accepts connections and never answers.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tests.conftest import TODAY
from tests.helpers.mailserver import (
    PASSWORD,
    USERNAME,
    MailServer,
    RawServer,
    Recorder,
    make_certificates,
    never_answer,
)
from tests.helpers.repo_project import REPO, copy_repo_project

from clinic_handouts.mail.deliver import EmailRequest, email_handout
from clinic_handouts.project.load import load_project

RUNS = 5


def project(folder: Path, port: int, extra: str) -> Path:
    root = copy_repo_project(folder)
    with (root / "handouts.toml").open("a", encoding="utf-8") as config:
        config.write(
            f'\n[email]\nhost = "127.0.0.1"\nport = {port}\n'
            f'from_address = "handouts@clinic.example.org"\n{extra}'
        )
    return root


def main() -> None:
    handout_id = sorted((REPO / "handouts/en").glob("*.md"))[0].stem
    request = EmailRequest(handout_id, ("rosa.m@example.org",))
    env = {"HANDOUTS_SMTP_PASSWORD": PASSWORD}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        certificates = make_certificates(folder)
        recorder = Recorder()
        with MailServer(recorder, tls=certificates.server_context, login=True) as server:
            root = project(
                folder,
                server.port,
                f'security = "starttls"\nusername = "{USERNAME}"\n'
                f'ca_file = "{certificates.ca_file}"\nsend_log = true\n',
            )
            seconds = []
            for _ in range(RUNS):
                started = time.perf_counter()
                # What the command does: load the project once, then check, build, send.
                email_handout(load_project(root, TODAY), request, today=TODAY, environ=env)
                seconds.append(time.perf_counter() - started)
        pdf = (root / f"build/en/{handout_id}.pdf").stat().st_size
        message = len(recorder.messages[-1].data)
        print(f"handout {handout_id}: PDF {pdf / 1024:.1f} KB, message {message / 1024:.1f} KB")
        print(
            f"build + STARTTLS + login + send, {RUNS} runs: first {seconds[0]:.2f} s, "
            f"median {statistics.median(seconds):.2f} s"
        )

        with RawServer(never_answer) as silent:
            other = folder / "silent"
            other.mkdir()
            root = project(
                other, silent.port, 'security = "none"\ntimeout_seconds = 1\nattempts = 3\n'
            )
            started = time.perf_counter()
            try:
                email_handout(load_project(root, TODAY), request, today=TODAY, environ={})
            except Exception as exc:  # the NotSent we are timing
                print(f"silent server: gave up after {time.perf_counter() - started:.1f} s")
                print(f"  ({str(exc)[:100]}...)")


if __name__ == "__main__":
    main()
