"""The pages' router: every page area under one router.

Every POST to a page must carry the form's CSRF token (:func:`service.web.deps.verify_csrf`,
a dependency of this whole router)."""

from pathlib import Path

from fastapi import APIRouter, Depends

from service.web import account, admin, auth, dashboard, embassy, exporter, health, home, items, triage
from service.web.deps import sane_request, verify_csrf

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(dependencies=[Depends(sane_request), Depends(verify_csrf)])
for area in (health, home, auth, account, dashboard, items, exporter, triage, embassy, admin):
    router.include_router(area.router)
