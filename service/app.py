"""The FastAPI application factory: API, web pages and (optionally) the scheduler in one
process."""

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service import api, headers
from service.body_limit import BodyLimit
from service.errors import install_error_handlers
from service.scheduler import SchedulerLock, build_scheduler
from service.web import alert_links, pages
from store.db import default_engine
from store.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, scheduler: bool | None = None) -> FastAPI:
    """The app; ``scheduler`` overrides ``settings.scheduler_enabled``."""
    settings = settings or get_settings()
    run_scheduler = settings.scheduler_enabled if scheduler is None else scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.scheduler = None
        lock = SchedulerLock(default_engine(), settings.data_dir)
        if run_scheduler and lock.acquire():
            app.state.scheduler = build_scheduler(settings)
            app.state.scheduler.start()
            log.info("scheduler started")
        elif run_scheduler:
            log.info("another process runs the scheduler")
        try:
            yield
        finally:
            if app.state.scheduler is not None:
                app.state.scheduler.shutdown(wait=False)
            lock.release()

    app = FastAPI(
        title="tbtwatch",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.scheduler = None
    app.add_middleware(BodyLimit)
    headers.install(app)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(alert_links.router)  # outside the pages' CSRF check: RFC 8058 one-click
    return app
