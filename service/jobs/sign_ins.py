"""Sign-in housekeeping: every ten minutes, the counts of failed sign-ins whose last failure is
older than the limiter's window are deleted (:meth:`service.security.LoginLimiter.forget_old`).
They count as nothing already; without this job an attacker trying many addresses or accounts
would leave a row for each in ``login_failure`` for good.
"""

import logging

from apscheduler.schedulers.base import BaseScheduler

from service import security
from store.settings import Settings

log = logging.getLogger(__name__)
INTERVAL_MINUTES = 10


def forget_old_failures() -> int:
    deleted = security.login_limiter.forget_old()
    if deleted:
        log.info("forgot %d counts of failed sign-ins", deleted)
    return deleted


def schedule(scheduler: BaseScheduler, settings: Settings) -> None:
    scheduler.add_job(
        forget_old_failures,
        "interval",
        minutes=INTERVAL_MINUTES,
        id="sign_ins.forget_old_failures",
        name="forget old failed sign-ins",
        replace_existing=True,
    )
