"""The scheduler's alert jobs."""

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from service.jobs import alerts as alert_jobs
from tests.factories import add_notification, subscribe


def test_jobs_are_scheduled(settings):
    scheduler = BackgroundScheduler(timezone="UTC")
    alert_jobs.schedule(scheduler, settings)
    jobs = {job.id: job.trigger.interval.total_seconds() for job in scheduler.get_jobs()}
    assert jobs == {"alerts.dispatch_job": 60, "alerts.digest_job": 300, "alerts.reminder_job": 3600}


def test_a_failing_job_logs_and_does_not_raise(settings, caplog, monkeypatch):
    monkeypatch.setattr(alert_jobs, "dispatch", lambda *args: 1 / 0)
    alert_jobs._guarded(alert_jobs.dispatch_job)()
    assert "alerts job dispatch_job failed" in caplog.text


def test_the_dispatch_job_sends(db_engine, alert_settings, mailbox):
    subscribe(db_engine)
    now = datetime.now(UTC)
    add_notification(
        db_engine, first_seen=now, distribution_date=now.date(), comment_deadline=now.date() + timedelta(days=30)
    )
    alert_jobs._guarded(alert_jobs.dispatch_job)()
    alert_jobs._guarded(alert_jobs.digest_job)()
    alert_jobs._guarded(alert_jobs.reminder_job)()
    assert len(mailbox.messages) == 1
