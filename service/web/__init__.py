"""Server-rendered pages (Jinja2), bilingual, one router module per area."""

from pathlib import Path

from fastapi import APIRouter

from service.web import health, home

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter()
router.include_router(health.router)
router.include_router(home.router)
