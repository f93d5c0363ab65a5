"""Fixtures of the alert tests: the real SMTP server and webhook receiver of tests.alerts.servers
(test data comes from tests.factories)."""

from tests.alerts.servers import alert_settings, down_mailbox, down_settings, mailbox, receiver  # noqa: F401 (fixtures)
