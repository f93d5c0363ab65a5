"""The scheduled job that deletes counts of failed sign-ins once the limiter's window has
forgotten them: in batches, never waiting for (or deadlocking with) a sign-in in progress."""

import threading

from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select

from service import security
from service.jobs import sign_ins
from service.security import LoginLimiter
from store.models import LoginFailure
from store.queries.login_failures import lock_failures


def _kept(engine) -> dict[tuple[str, str], int]:
    with Session(engine) as session:
        return {(row.scope, row.key): row.failures for row in session.exec(select(LoginFailure))}


def test_the_job_is_scheduled_every_ten_minutes(settings):
    scheduler = BackgroundScheduler(timezone="UTC")
    sign_ins.schedule(scheduler, settings)
    jobs = {job.id: job.trigger.interval.total_seconds() for job in scheduler.get_jobs()}
    assert jobs == {"sign_ins.forget_old_failures": 600}


def test_counts_older_than_the_window_go_in_batches_and_recent_ones_stay(settings, db_engine, monkeypatch):
    now = [0.0]
    limiter = LoginLimiter(clock=lambda: now[0], engine=db_engine)
    monkeypatch.setattr(security, "login_limiter", limiter)
    for n in range(5):
        limiter.begin(f"guess{n}@example.org", "203.0.113.9")
    now[0] = 1800.0
    limiter.begin("recent@example.org", "198.51.100.4")
    limiter.begin("recent@example.org", "198.51.100.4")
    now[0] = 3600.0  # the first five are an hour old
    assert limiter.forget_old(batch=2) == 6
    assert _kept(db_engine) == {("account", "recent@example.org"): 2, ("address", "198.51.100.4"): 2}
    now[0] = 5400.0
    assert sign_ins.forget_old_failures() == 2
    assert _kept(db_engine) == {}


def test_a_sign_in_in_progress_is_never_waited_for(db_engine):
    now = [0.0]
    limiter = LoginLimiter(clock=lambda: now[0], engine=db_engine)
    limiter.begin("held@example.org", "203.0.113.1")
    limiter.begin("other@example.org", "203.0.113.2")
    now[0] = 7200.0
    with Session(db_engine) as signing_in:
        # a sign-in holds its account's count (PostgreSQL: the row; SQLite: the database)
        lock_failures(signing_in, [("account", "held@example.org")], now=now[0], window=limiter.window)
        if db_engine.dialect.name == "postgresql":
            deleted: list[int] = []
            cleanup = threading.Thread(target=lambda: deleted.append(limiter.forget_old()))
            cleanup.start()
            cleanup.join(timeout=10)
            signing_in.commit()
            assert deleted == [3]  # at once, the held row skipped
            assert limiter.forget_old() == 1  # taken on the next run
        else:  # one writer at a time: the cleanup waits for the sign-in's short transaction
            threading.Timer(0.3, signing_in.commit).start()
            assert limiter.forget_old() == 4
    assert _kept(db_engine) == {}


def test_cleanups_and_sign_ins_run_side_by_side(db_engine):
    """Sign-ins from many addresses while the cleanup keeps deleting what goes stale at once:
    no deadlock, no lock time-out, nothing raised on either side."""
    limiter = LoginLimiter(window_seconds=0.0, engine=db_engine)  # every count is stale at once
    errors: list[BaseException] = []
    done = threading.Event()

    def sign_in(worker: int) -> None:
        try:
            for n in range(30):
                limiter.begin(f"user{n % 3}@example.org", f"203.0.113.{worker * 30 + n}")
        except BaseException as error:
            errors.append(error)

    def clean() -> None:
        try:
            while not done.is_set():
                limiter.forget_old(batch=5)
        except BaseException as error:
            errors.append(error)

    cleaner = threading.Thread(target=clean)
    cleaner.start()
    workers = [threading.Thread(target=sign_in, args=(w,)) for w in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    done.set()
    cleaner.join()
    assert errors == []
    limiter.forget_old()
    assert _kept(db_engine) == {}
