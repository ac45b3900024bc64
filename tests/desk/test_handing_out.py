"""The desk hands out one thing at a time (each print or email starts with a build, and a
second build at once would be refused), in the order staff pressed the button, and waits
a little for a build another program holds."""

from __future__ import annotations

import threading
import time

import pytest

from clinic_handouts.build.lock import BuildLocked
from clinic_handouts.desk import printform
from clinic_handouts.desk.printform import HandingOut
from clinic_handouts.errors import error


def test_one_at_a_time_in_the_order_asked() -> None:
    handing_out = HandingOut()
    inside: list[str] = []
    order: list[str] = []
    overlaps: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def action(name: str) -> str:
        if inside:
            overlaps.append(name)
        inside.append(name)
        order.append(name)
        if name == "first":
            first_in.set()
            release.wait(10)
        time.sleep(0.01)
        inside.remove(name)
        return name

    threads = [threading.Thread(target=handing_out.run, args=(lambda: action("first"),))]
    threads[0].start()
    assert first_in.wait(10)
    for name in ("b", "c", "d", "e"):
        thread = threading.Thread(target=handing_out.run, args=(lambda n=name: action(n),))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # each takes its turn before the next one asks
    release.set()
    for thread in threads:
        thread.join(10)
    assert overlaps == []
    assert order == ["first", "b", "c", "d", "e"]


def test_a_build_held_elsewhere_is_waited_for_then_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    locked = BuildLocked([error("build", 0, "build-locked", "another build is running")])
    tries: list[int] = []

    def twice_locked() -> str:
        tries.append(1)
        if len(tries) <= 2:
            raise locked
        return "printed"

    handing_out = HandingOut(sleep=lambda _s: None)
    assert handing_out.run(twice_locked) == "printed" and len(tries) == 3
    monkeypatch.setattr(printform, "LOCKED_WAIT_SECONDS", 0.0)

    def always_locked() -> str:
        raise locked

    with pytest.raises(BuildLocked):
        handing_out.run(always_locked)
    assert handing_out.run(lambda: "next") == "next"  # a failure gives the turn on
