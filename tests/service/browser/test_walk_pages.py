"""What the walk through the pages found, in real Chromium at 1,366 px, in Chinese and English:
the staff's triage panel within the first screen of an item page, the full fields folded, and
the home page, the bulletin and the audit log without a horizontal scroll bar."""

import pytest

from store.db import session_scope
from store.models import NotificationCreate
from store.queries.notifications import upsert_notification
from tests.factories import seed_notifications, tag_item
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
WIDTH = 1366


@pytest.fixture
def item(db_engine, dev_records) -> int:
    seed_notifications(db_engine, dev_records, 30)
    with session_scope(db_engine) as session:
        item_id = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/EU/1200",
                committee="TBT",
                member_name="European Union",
                title="Draft regulation on batteries and waste batteries",
                description="Sets sustainability, safety and labelling requirements for batteries. " * 8,
                products_text="Lithium-ion batteries",
                hs_codes=["850760"],
            ),
            source="test",
        ).row.id
        tag_item(
            session,
            "notification",
            item_id,
            [
                {"sector": "EPNE", "origin": "human"},
                {"sector": "EI", "origin": "model", "score": 0.31, "decided": False},
            ],
        )
    return item_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_triage_panel_is_in_the_first_screen(page, accounts, item, screenshots, language):
    page.set_viewport_size({"width": WIDTH, "height": 768})
    sign_in(page, "staff")
    page.goto(f"/items/notification/{item}?lang={language}")
    box = page.locator("#triage-form").bounding_box()
    assert box is not None and box["y"] < 768
    assert not page.locator("details.all-fields").evaluate("d => d.open")
    page.screenshot(path=str(screenshots / f"item-staff-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pages_fit_1366_pixels(page, accounts, item, screenshots, language):
    page.set_viewport_size({"width": WIDTH, "height": 768})
    page.goto(f"/?lang={language}")
    wide = {"/": page.evaluate("document.documentElement.scrollWidth")}
    page.screenshot(path=str(screenshots / f"home-{language}.png"), full_page=True)
    sign_in(page, "admin")
    for path in ("/bulletin", "/admin/audit", "/dashboard"):
        page.goto(f"{path}?lang={language}")
        wide[path] = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(screenshots / f"{path.strip('/').replace('/', '-')}-{language}.png"), full_page=True)
    assert {path: width for path, width in wide.items() if width > WIDTH} == {}
