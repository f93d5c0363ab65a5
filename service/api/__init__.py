"""The REST API under ``/api/v1``: one router module per resource. Authentication and
permissions are in :mod:`service.api.deps`, JSON errors in :mod:`service.api.errors`.
It imports nothing of ``service.web``: what pages and API share is a use case below both."""

from fastapi import APIRouter, Depends

from service.api import admin, changes, intelligence, notifications, search, subscriptions, tokens, triage
from service.api.deps import storable_text
from service.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", dependencies=[Depends(storable_text)], responses=ERROR_RESPONSES)
for module in (search, notifications, changes, intelligence, subscriptions, triage, admin, tokens):
    router.include_router(module.router)

__all__ = ["router"]
