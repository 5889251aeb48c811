"""Two requests at the same moment, held where a missing lock would let both through.

Each race test patches one function so that both threads meet at a barrier right before or
after it, then runs the two requests in threads. Without the lock under test both reach the
barrier and go on together: the test sees the double. With it, the second thread waits on the
lock and never arrives; the first stops waiting after `timeout` and goes on alone.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections


def meet(barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
    except threading.BrokenBarrierError:  # the other thread waits for a lock this one holds
        pass


def meet_at(monkeypatch: Any, owner: Any, name: str, *, after: bool = True, timeout: float = 1.5) -> None:
    """Patch `owner.name` (a function or a method) so that two threads meet right after it
    returns, or right before it runs (`after=False`)."""
    barrier, original = threading.Barrier(2, timeout=timeout), getattr(owner, name)

    def meeting(*args: Any, **kwargs: Any) -> Any:
        if not after:
            meet(barrier)
        result = original(*args, **kwargs)
        if after:
            meet(barrier)
        return result

    monkeypatch.setattr(owner, name, meeting)


def run_in_threads(*targets: Any) -> None:
    """Run each target in its own thread (and database connection) and wait for all of them."""
    def run(target: Any) -> None:
        try:
            target()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
