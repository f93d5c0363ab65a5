"""`tbtwatch worker`: a background process that classifies new items and dispatches alerts
in a loop, and runs the scheduler when it holds the scheduler lock.

Run as many workers as the load needs, beside web replicas started with
``tbtwatch serve --no-scheduler``. Each pass calls, when installed:

* ``service.jobs.classify.classify_items()`` — tags items not yet tagged (re-running it is
  harmless: classification replaces the rule and model tags of an item);
* ``service.jobs.alerts.dispatch_job()`` — matches new items and sends due deliveries
  (deliveries are claimed row by row, so workers never send one twice).

They are imported lazily on each pass, so a worker started before a package is installed picks
it up without a restart, and a failing job is logged without stopping the others. One
process at a time across the deployment runs the periodic jobs (crawls, digests,
reminders): every worker keeps trying :class:`service.scheduler.SchedulerLock` (a
PostgreSQL advisory lock, released when its holder dies), so another takes over within one
pass when the holder stops.
"""

import importlib
import logging
import signal
import threading
from typing import TYPE_CHECKING

import typer

from service.scheduler import SchedulerLock, build_scheduler
from store.db import default_engine
from store.settings import get_settings

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("tbtwatch.worker")
JOBS = (("service.jobs.classify", "classify_items"), ("service.jobs.alerts", "dispatch_job"))


def run_jobs() -> dict[str, object]:
    """One pass over :data:`JOBS`: each job's result, or the error it failed with."""
    results: dict[str, object] = {}
    for module_name, function_name in JOBS:
        name = f"{module_name}.{function_name}"
        try:
            job = getattr(importlib.import_module(module_name), function_name, None)
        except ImportError as error:
            results[name] = error
            continue
        if job is None:
            results[name] = None
            continue
        try:
            results[name] = job()
        except Exception as error:
            log.exception("%s failed", name)
            results[name] = error
    return results


class Leadership:
    """Holds the scheduler while this process has the lock; :meth:`try_lead` each pass."""

    def __init__(self, settings, enabled: bool = True):
        self.settings = settings
        self.enabled = enabled
        self.lock = SchedulerLock(default_engine(), settings.data_dir)
        self.scheduler: BackgroundScheduler | None = None

    def try_lead(self) -> bool:
        if self.enabled and self.scheduler is None and self.lock.acquire():
            self.scheduler = build_scheduler(self.settings)
            self.scheduler.start()
            log.info("this worker now runs the scheduler")
        return self.scheduler is not None

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        self.lock.release()


def worker(
    interval: float = typer.Option(30.0, min=0.1, help="Seconds between passes."),
    once: bool = typer.Option(False, "--once", help="One pass, then exit."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Never run the periodic jobs here."),
) -> None:
    """Classify new items and dispatch alerts in a loop; run the scheduler when leader."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    leadership = Leadership(get_settings(), enabled=not no_scheduler and not once)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        while True:
            leadership.try_lead()
            for name, result in run_jobs().items():
                if isinstance(result, ImportError):
                    log.debug("%s not installed: %s", name, result)
                elif result:
                    log.info("%s: %s", name, result)
            if once or stopping.wait(interval):
                break
    finally:
        leadership.stop()
        log.info("worker stopped")


def register(root: typer.Typer) -> None:
    root.command("worker")(worker)
