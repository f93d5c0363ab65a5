"""A schema fuzz of the whole API in-process (ASGI): whatever schemathesis generates from
the OpenAPI document, signed in as an administrator (who may call everything), never gets
a 500. Bounded: a few examples per operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session

from service.app import create_app
from service.jobs import crawl as crawl_jobs
from store.models import NotificationCreate
from store.queries.notifications import upsert_notification
from tests.service.api_fixtures import users  # noqa: F401 (fixture)

SKIPPED = ("DELETE /api/v1/tokens/{token_id}",)  # revoking the fuzzer's own token ends the run
MAX_EXAMPLES = 5


@pytest.fixture
def app(settings, users, db_engine, monkeypatch):
    monkeypatch.setattr(crawl_jobs, "spawn_crawl", lambda name: (0, settings.data_dir / "log"))
    with Session(db_engine) as session:
        upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/CHN/1", base_symbol="", committee="TBT", member_name=None, title="锂电池"
            ),
            source="test",
        )
        session.commit()
    return create_app(settings, scheduler=False)


def test_no_server_errors(app, users):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = users["admin"].headers
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        if f"{operation.method.upper()} {operation.path}" in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_500(case):
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.text)

        no_500()
