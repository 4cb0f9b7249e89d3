"""The application factory: JSON API under /api/v1, the console at /, one error format."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from govshare import __version__, runtime
from govshare.config import Settings
from govshare.http.deps import SessionOpener, open_session_factory
from govshare.kit.errors import DomainError

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_MAX_AGE = 8 * 3600


def _session_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.key_dir / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/openapi.json",)


def create_app(
    *,
    settings: Settings | None = None,
    open_session: SessionOpener | None = None,
    today: Callable[[], date] | None = None,
) -> FastAPI:
    """Builds the application; tests pass their own session opener and `today`."""
    settings = settings or runtime.settings()
    app = FastAPI(
        title="govshare",
        version=__version__,
        description="Government data sharing platform: JSON API. Errors are "
        '`{"error": {"code": ..., "message": ...}}` with a 4xx status.',
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    app.state.open_session = open_session or open_session_factory(runtime.session_factory())
    app.state.today = today
    app.state.settings = settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=_session_secret(settings),
        session_cookie="govshare_session",
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _install_error_handlers(app)
    _include_routers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from govshare.attachments import routes as attachment_routes
    from govshare.audit import routes as audit_routes
    from govshare.audit import views as audit_views
    from govshare.calendar import routes as calendar_routes
    from govshare.calendar import views as calendar_views
    from govshare.catalogue import interchange_routes
    from govshare.catalogue import routes as catalogue_routes
    from govshare.catalogue import views as catalogue_views
    from govshare.datastore import freshness_routes, freshness_views
    from govshare.datastore import routes as datastore_routes
    from govshare.datastore import views as datastore_views
    from govshare.governance import rectification_routes, rectification_views
    from govshare.governance import routes as dispute_routes
    from govshare.governance import views as dispute_views
    from govshare.notify import views as notify_views
    from govshare.orgs import routes as orgs_routes
    from govshare.orgs import views as orgs_views
    from govshare.quality import routes as quality_routes
    from govshare.quality import verification_routes, verification_views
    from govshare.quality import views as quality_views
    from govshare.sharing import application_routes, application_views, grant_views
    from govshare.sharing import routes as sharing_routes
    from govshare.sharing import views as sharing_views
    from govshare.web import views as web_views

    # interchange before the catalogue: its fixed /directory/... paths precede /directory/{id}
    for module in (
        orgs_routes,
        calendar_routes,
        audit_routes,
        interchange_routes,
        catalogue_routes,
        datastore_routes,
        freshness_routes,
        sharing_routes,
        application_routes,
        dispute_routes,
        attachment_routes,
    ):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(attachment_routes.console)
    app.include_router(dispute_views.router)
    app.include_router(rectification_routes.router, prefix="/api/v1")
    app.include_router(rectification_views.router)
    from govshare.governance import material_routes, material_views

    app.include_router(material_routes.router, prefix="/api/v1")
    app.include_router(material_views.router)
    from govshare.governance import annual_routes, annual_views

    app.include_router(annual_routes.router, prefix="/api/v1")
    app.include_router(annual_views.router)
    from govshare.governance import evaluation_routes, evaluation_views

    app.include_router(evaluation_routes.router, prefix="/api/v1")
    app.include_router(evaluation_views.router)
    from govshare.governance import complaint_routes, complaint_views
    from govshare.quality import error_report_routes, error_report_views

    app.include_router(complaint_routes.router, prefix="/api/v1")
    app.include_router(complaint_views.router)
    app.include_router(error_report_routes.router, prefix="/api/v1")
    app.include_router(error_report_views.router)
    app.include_router(quality_routes.router, prefix="/api/v1")
    app.include_router(quality_views.router)
    app.include_router(verification_routes.router, prefix="/api/v1")
    app.include_router(verification_views.router)
    app.include_router(notify_views.router)
    app.include_router(grant_views.router)
    for module in (
        web_views,
        orgs_views,
        calendar_views,
        audit_views,
        catalogue_views,
        application_views,
        datastore_views,
        freshness_views,
        sharing_views,
    ):
        app.include_router(module.router)


def _install_error_handlers(app: FastAPI) -> None:
    from govshare.http.rendering import render

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if _wants_json(request):
            return JSONResponse(exc.as_dict(), status_code=exc.status)
        if exc.status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return render(request, "error.html", {"error": exc}, exc.status, with_banners=False)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ())[1:]),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems) or "invalid request"
        err = DomainError(message, code="invalid_request", problems=problems)
        err.status = 422
        if _wants_json(request):
            return JSONResponse(err.as_dict(), status_code=422)
        return render(request, "error.html", {"error": err}, 422, with_banners=False)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        err = DomainError(str(exc.detail), code=code)
        err.status = exc.status_code
        if _wants_json(request):
            return JSONResponse(err.as_dict(), status_code=exc.status_code)
        return render(request, "error.html", {"error": err}, exc.status_code, with_banners=False)
