"""The in-process scheduler: every periodic job of tbtwatch, one scheduler at a time.

Several processes may run the service (web replicas, workers); only the one holding the
scheduler lock runs jobs: a PostgreSQL advisory lock held on a connection of its own, or
on SQLite (one machine) an exclusive lock on a file beside the database.
"""

import fcntl
import logging
from pathlib import Path
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, Engine, text

from service.jobs import alerts as alert_jobs
from service.jobs import classify as classify_jobs
from service.jobs import crawl as crawl_jobs
from service.jobs import sign_ins as sign_in_jobs
from store.settings import Settings

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x7B7_3A7C  # any constant shared by every tbtwatch process


class SchedulerLock:
    """Leadership among processes; :meth:`acquire` says whether this process got it."""

    def __init__(self, engine: Engine, data_dir: Path):
        self.engine = engine
        self.data_dir = data_dir
        self._holder: Connection | TextIO | None = None

    def acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}).scalar()
            connection.commit()
            if not got:
                connection.close()
                return False
            self._holder = connection
            return True
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.data_dir / "scheduler.lock", "w")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._holder = handle
        return True

    def release(self) -> None:
        if self._holder is not None:
            if isinstance(self._holder, Connection):
                # closing only returns the connection to the pool, where the lock would stay held
                self._holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                self._holder.commit()
            self._holder.close()
            self._holder = None


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A scheduler with every job added, not yet started."""
    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600},
    )
    for jobs in (crawl_jobs, classify_jobs, alert_jobs, sign_in_jobs):
        jobs.schedule(scheduler, settings)
    return scheduler
