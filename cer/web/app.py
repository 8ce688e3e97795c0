"""The website's browse sections and the tool API: pages rendered on the server, usable without JavaScript.

Every page and route parses its input, calls the content or a service, and renders; unknown ids are 404
pages (or `{"errors": [...]}` under /api), bad query values are 422 with each bad field named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from cer import browse
from cer.content import Content, get_content
from cer.facets import tool_filter
from tools_catalog.models import ToolType
from workstreams.errors import InvalidRequest, NotFound

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE.parent / "templates" / "web"))
SECTIONS = [
    ("/", "Overview of Toolkit"),
    ("/steps", "View toolkit step-by-step"),
    ("/workstreams", "View toolkit by workstream"),
    ("/tools", "Browse / search for tools"),
    ("/diagnose", "Diagnose your needs"),
    ("/support", "Find change mgmt. support"),
]
PAGE_SIZE = 25


def create_app(content_root: Path | None = None) -> FastAPI:
    app = FastAPI(title="cer-toolkit", docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def content() -> Content:
        return get_content(content_root)

    def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request,
            template,
            {"sections": SECTIONS, "path": request.url.path, "content": content(), **context},
            status_code=status_code,
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"errors": [{"field": exc.kind, "message": str(exc)}]}, status_code=404)
        return page(request, "error.html", 404, title="Not found", message=str(exc))

    @app.exception_handler(InvalidRequest)
    async def invalid(request: Request, exc: InvalidRequest) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"errors": [{"field": None, "message": str(exc)}]}, status_code=422)
        return page(request, "error.html", 422, title="Cannot show that", message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p not in ("query", "body", "path")),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"errors": errors}, status_code=422)
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return page(request, "error.html", 422, title="Cannot show that", message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"errors": [{"field": None, "message": str(exc.detail)}]}, status_code=exc.status_code
            )
        return page(
            request,
            "error.html",
            exc.status_code,
            title="Not found",
            message=f"No page at {request.url.path}",
        )

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> HTMLResponse:
        return page(request, "overview.html", title="Overview of Toolkit", steps=content().framework.steps)

    @app.get("/steps", response_class=HTMLResponse)
    def steps(request: Request) -> HTMLResponse:
        return page(request, "steps.html", title="Step by step", views=browse.all_steps(content()))

    @app.get("/steps/{number}", response_class=HTMLResponse)
    def step(request: Request, number: int) -> HTMLResponse:
        view = browse.step_view(content(), number)
        return page(request, "step.html", title=f"Step {number}: {view.step.name}", view=view)

    @app.get("/workstreams", response_class=HTMLResponse)
    def workstreams(request: Request) -> HTMLResponse:
        return page(
            request, "workstreams.html", title="By workstream", workstreams=content().framework.workstreams
        )

    @app.get("/workstreams/{code}", response_class=HTMLResponse)
    def workstream(request: Request, code: str) -> HTMLResponse:
        view = browse.workstream_view(content(), code)
        return page(
            request, "workstream.html", title=f"{view.workstream.code} {view.workstream.name}", view=view
        )

    @app.get("/tools", response_class=HTMLResponse)
    def tools(
        request: Request,
        q: Annotated[str | None, Query(max_length=200)] = None,
        workstream: Annotated[str | None, Query(max_length=1)] = None,
        step: Annotated[int | None, Query(ge=1, le=9)] = None,
        type: Annotated[ToolType | None, Query()] = None,  # noqa: A002  (the facet's name in the URL)
        country: Annotated[str | None, Query(max_length=80)] = None,
    ) -> HTMLResponse:
        c = content()
        facets = tool_filter(c, workstream or None, step, type.value if type else None, country or None)
        found, corrections = browse.find_tools(c, facets, q)
        return page(
            request,
            "tools.html",
            title="Browse / search for tools",
            tools=found,
            q=q or "",
            facets={
                "workstream": workstream or "",
                "step": step,
                "type": type.value if type else "",
                "country": country or "",
            },
            types=[t.value for t in ToolType],
            countries=c.catalogue.countries,
            corrections=corrections,
        )

    @app.get("/tools/{tool_id}", response_class=HTMLResponse)
    def tool(request: Request, tool_id: str) -> HTMLResponse:
        found = content().catalogue.tool(tool_id)
        return page(request, "tool.html", title=found.title, tool=found)

    @app.get("/support", response_class=HTMLResponse)
    def support(
        request: Request,
        workstream: Annotated[str | None, Query(max_length=1)] = None,
        step: Annotated[int | None, Query(ge=1, le=9)] = None,
    ) -> HTMLResponse:
        c = content()
        ws = c.framework.workstream(workstream).code if workstream else None
        providers = c.catalogue.providers_for(workstream=ws, step=step)
        return page(
            request,
            "support.html",
            title="Find change management support",
            providers=providers,
            facets={"workstream": ws or "", "step": step},
        )

    @app.get("/diagnose", response_class=HTMLResponse)
    def diagnose(request: Request) -> HTMLResponse:
        from cer.render_diagnosis import questionnaire_json

        q = questionnaire_json(content().questionnaire, "en")
        return page(request, "diagnose.html", title="Diagnose your needs", questionnaire=q)

    @app.get("/api/tools")
    def api_tools(
        q: Annotated[str | None, Query(max_length=200)] = None,
        workstream: Annotated[str | None, Query(max_length=1)] = None,
        step: Annotated[int | None, Query(ge=1, le=9)] = None,
        type: Annotated[ToolType | None, Query()] = None,  # noqa: A002
        country: Annotated[str | None, Query(max_length=80)] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = PAGE_SIZE,
    ) -> dict[str, Any]:
        """Tools, narrowed by facets and ranked by `q` when given; paginated."""
        c = content()
        facets = tool_filter(c, workstream, step, type.value if type else None, country)
        found, _ = browse.find_tools(c, facets, q)
        start = (page - 1) * per_page
        return {
            "total": len(found),
            "page": page,
            "per_page": per_page,
            "items": [browse.tool_brief(t) for t in found[start : start + per_page]],
        }

    @app.get("/api/tools/{tool_id}")
    def api_tool(tool_id: str) -> dict[str, Any]:
        return content().catalogue.tool(tool_id).model_dump(mode="json")

    return app
