"""Scheduled alert jobs: dispatch every minute (match what is new, send what is due),
digests every five minutes (each subscriber's own time of day decides whether one is due),
comment-deadline reminders every hour. Each job logs and swallows its errors: the outbox
keeps what was not sent, and the next run picks it up.
"""

import logging
from collections.abc import Callable

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from alerts.digests import PERIODS, enqueue_digests
from alerts.dispatch import dispatch
from alerts.reminders import send_reminders
from store.db import default_engine
from store.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _guarded(job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            result = job()
            log.debug("%s: %s", job.__name__, result)
        except Exception:
            log.exception("alerts job %s failed", job.__name__)

    return run


def dispatch_job() -> object:
    return dispatch(default_engine(), get_settings())


def digest_job() -> int:
    return sum(enqueue_digests(default_engine(), period) for period in PERIODS)


def reminder_job() -> int:
    return send_reminders(default_engine())


def schedule(scheduler: BaseScheduler, settings: Settings) -> None:
    """Add this module's jobs to the scheduler (digests and reminders are sent by dispatch)."""
    for job, seconds in ((dispatch_job, 60), (digest_job, 300), (reminder_job, 3600)):
        scheduler.add_job(
            _guarded(job), IntervalTrigger(seconds=seconds), id=f"alerts.{job.__name__}", replace_existing=True
        )
