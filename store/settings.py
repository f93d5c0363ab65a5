"""The deployment's one settings object, read from ``TBTWATCH_*`` environment variables.

It lives in ``store`` because every package of ours may import ``store`` and ``store``
imports none of them: the crawler process, the alert dispatcher and the web service
read the same object. Call :func:`get_settings`; nothing reads the environment at import.
"""

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from store.addresses import Networks, networks
from store.environment import DEFAULT_DATA_DIR, ENV_FILE, PREFIX, database_url_for


class Settings(BaseSettings):
    """Everything a deployment may set; defaults give the embedded single-process setup."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=ENV_FILE, extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""
    scheduler_enabled: bool = True

    smtp_url: str = "smtp://127.0.0.1:25"
    mail_from: str = "tbtwatch <alerts@tbtwatch.localhost>"
    allow_private_webhooks: bool = False
    # Non-public networks that crawls may download from (addresses or networks, comma-separated),
    # for a mirror on the local network or the tests' loopback server; by default every source,
    # registered feeds included, must resolve to public addresses only.
    source_private_networks: str = ""
    # Reverse proxies whose X-Forwarded-For is believed: addresses or networks, comma-separated.
    trusted_proxies: str = ""
    # Alerts: an item first seen this many days after its date is alerted only while still
    # open for comment; the outbox retries with exponential backoff, then gives up (dead).
    alert_backfill_days: int = 14
    alert_max_attempts: int = 8
    alert_retry_base_seconds: int = 60
    alert_claim_lease_seconds: int = 600

    eping_api_url: str = "https://api.wto.org/eping"
    eping_api_key: str = ""
    eping_bulk_url: str = "https://eping.wto.org/NotificationExcelFiles/Notification_EN.xlsx"
    eping_latest_url: str = "https://eping.wto.org/api/v1/notifications/getLatestNotifications"
    iso_open_data_url: str = (
        "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/"
        "iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl"
    )
    federal_register_url: str = "https://www.federalregister.gov/api/v1"
    eurlex_feed_url: str = "https://eur-lex.europa.eu/EN/display-feed.rss"

    @property
    def effective_database_url(self) -> str:
        return database_url_for(self.database_url, self.data_dir)

    @property
    def trusted_proxy_networks(self) -> Networks:
        return networks(self.trusted_proxies)

    @property
    def source_private_network_list(self) -> Networks:
        return networks(self.source_private_networks)


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (cached; tests clear the cache after changing env).
    Without ``TBTWATCH_SECRET_KEY`` the key is one generated once and kept in ``data_dir``,
    so sessions and webhook signatures survive restarts."""
    settings = Settings()
    if not settings.secret_key:
        settings.secret_key = stored_secret_key(settings.data_dir)
    return settings


def stored_secret_key(data_dir: Path) -> str:
    """The key in ``data_dir/secret_key``, created (readable by the owner only) if missing."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
