"""Running a coroutine from a synchronous test.

Once the browser tests have started the suite's Playwright, its event loop counts as running in
the main thread for the rest of the session, and ``asyncio.run`` refuses to start there: tests
run their coroutines in a thread of their own, whatever order the suite runs in."""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` in a fresh thread, its answer returned here."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
