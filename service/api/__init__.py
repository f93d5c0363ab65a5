"""The REST API under ``/api/v1``: one router module per resource. Authentication and
permissions are in :mod:`service.api.deps`, JSON errors in :mod:`service.api.errors`."""

from fastapi import APIRouter, Depends

from service.api import admin, changes, intelligence, notifications, search, subscriptions, tokens, triage
from service.api.deps import storable_text
from service.api.errors import ERROR_RESPONSES, install_error_handlers

router = APIRouter(prefix="/api/v1", dependencies=[Depends(storable_text)], responses=ERROR_RESPONSES)
for module in (search, notifications, changes, intelligence, subscriptions, triage, admin, tokens):
    router.include_router(module.router)

__all__ = ["install_error_handlers", "router"]
