"""Scheduled crawl jobs (being built)."""

from apscheduler.schedulers.base import BaseScheduler

from store.settings import Settings


def schedule(scheduler: BaseScheduler, settings: Settings) -> None:
    """Add this module's jobs to the scheduler."""
