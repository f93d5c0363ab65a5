"""``GET /health``: is the database reachable, the scheduler running, the schema current."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from store.db import default_engine
from store.migrate import is_current

router = APIRouter()


@router.get("/health", tags=["health"])
def health(request: Request) -> JSONResponse:
    engine = default_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database, migrations = True, is_current(engine)
    except Exception as error:
        return JSONResponse(
            {
                "status": "error",
                "database": False,
                "error": str(error),
                "migrations_current": None,
                "scheduler_running": False,
            },
            status_code=503,
        )
    scheduler = request.app.state.scheduler
    body = {
        "status": "ok" if migrations else "degraded",
        "database": database,
        "database_backend": engine.dialect.name,
        "migrations_current": migrations,
        "scheduler_running": bool(scheduler and scheduler.running),
    }
    return JSONResponse(body, status_code=200 if migrations else 503)
