"""Sources tbtwatch collects from, with their health, and the record of each crawl run."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from store.models.types import json_dict, json_list, optional_timestamp, timestamp

RUN_STATUSES = ("running", "success", "failed")


class Source(SQLModel, table=True):
    """A collected source: a built-in spider, or a feed an administrator registered."""

    __tablename__ = "source"

    name: str = Field(primary_key=True, max_length=60)
    spider: str = Field(max_length=60)
    title: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    body: str | None = Field(default=None, max_length=120)
    options: dict = json_dict()
    enabled: bool = True
    interval_minutes: int = 360
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    consecutive_failures: int = 0
    last_success_at: datetime | None = optional_timestamp()
    last_error_at: datetime | None = optional_timestamp()
    last_error: str | None = Field(default=None, sa_type=Text)
    next_run_at: datetime | None = optional_timestamp()
    created_at: datetime = timestamp()


class CrawlRun(SQLModel, table=True):
    __tablename__ = "crawl_run"

    id: int = Field(default=None, primary_key=True)
    source: str = Field(foreign_key="source.name", index=True, max_length=60)
    status: str = Field(default="running", max_length=10)
    started_at: datetime = timestamp(index=True)
    finished_at: datetime | None = optional_timestamp()
    args: dict = json_dict()
    items_new: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_rejected: int = 0
    rejects: list[dict] = json_list()
    error: str | None = Field(default=None, sa_type=Text)
