"""The REST API and the web pages over one store (FastAPI).

    from onrecord.api.app import create_app
    app = create_app("sqlite:///news.db")      # or: onrecord serve --db news.db

Reads are open. Writes (POST /api/analyze, POST /api/ingest and the
paste-and-analyse page) need the token the server was started with
(ONRECORD_API_TOKEN), sent as `Authorization: Bearer TOKEN`; a server started
without one refuses every write. Every list pages with `limit` and `offset`
in a stable order and comes as CSV with `format=csv`. Every page of the web
app is built from the same data as an endpoint of the API, linked from it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import threading
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import unquote_to_bytes, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from onrecord import __version__
from onrecord.api import views
from onrecord.api.highlight import highlight, local_id
from onrecord.api.timeline import speaker_of, timeline_svg
from onrecord.exports import csv_text
from onrecord.ingest.errors import IngestError
from onrecord.model import Failure
from onrecord.record import Record

MAX_BODY_BYTES = 5_000_000  # a request body over this is refused (413): a long article is ~100 kB
MAX_TEXT_CHARS = 2_000_000
MAX_PAGE = 500
MAX_OFFSET = 1_000_000
MAX_DOCUMENTS = 100  # per POST /api/ingest
SECURITY_HEADERS = {
    # Only this server's own styles and script; nothing inline, no frames,
    # forms post only here.
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}

Stance = Literal["affirm", "deny", "qualify", "question", "conditional", "neutral"]
Kind = Literal["direct", "indirect", "mixed", "continuation"]
OutputFormat = Literal["json", "csv"]
ShortText = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Day = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]


def _utf8(value: str | None) -> str | None:
    """Text the store can hold: encodable as UTF-8 (no lone surrogates) and
    without NUL characters."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


class Document(BaseModel):
    """An article handed over in the request: its text or its HTML."""

    text: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Plain text; the first line may be the headline.")
    html: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="A web page; its main text is extracted.")
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    published: dt.date | None = None

    _check_text = field_validator("text", "html", "url", "title")(lambda cls, v: _utf8(v))

    def content(self) -> str:
        return self.html or self.text or ""


class IngestRequest(BaseModel):
    documents: list[Document] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    urls: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list, max_length=MAX_DOCUMENTS)

    _check_urls = field_validator("urls")(lambda cls, v: [_utf8(u) for u in v])


class BodyLimit:
    """Refuses a request body over `max_bytes` (413), whether its length is
    declared or it arrives in chunks."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await _send_json(send, 413, {"detail": f"request body over {self.max_bytes} bytes"})
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, f"request body over {self.max_bytes} bytes")
            return message

        return await self.app(scope, limited_receive, send)


class SafeRequests:
    """Adds the security headers to every response, and refuses a URL whose
    path or query holds a NUL byte (no database takes it) with a 400."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
        if b"\x00" in unquote_to_bytes(raw) or b"\x00" in unquote_to_bytes(scope.get("query_string") or b""):
            return await _send_json(send, 400, {"detail": "NUL characters are not allowed in URLs"})

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


async def _send_json(send, status: int, body: dict[str, Any]) -> None:
    import json

    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def create_app(db: str | None = None, *, token: str | None = None, model: str | None = None,
               max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The app over the store at `db`. `token` (else ONRECORD_API_TOKEN)
    guards the writes; without one, writes are refused."""
    record = Record(db, model=model)
    app = FastAPI(
        title="onrecord",
        version=__version__,
        description="Who said what, when, about which claim, and when they changed their story.",
    )
    app.state.record = record
    app.state.token = token if token is not None else (os.environ.get("ONRECORD_API_TOKEN") or None)
    app.state.analysis_lock = threading.Lock()  # one parse at a time: the spaCy pipeline is shared
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(SafeRequests)
    app.include_router(_api_routes())
    app.include_router(_page_routes())
    app.mount("/static", StaticFiles(directory=str(resources.files("onrecord.api").joinpath("static"))), name="static")
    _error_handlers(app)
    app.router.on_shutdown.append(record.close)
    return app


def app_from_environment() -> FastAPI:
    """The app over the store named by ONRECORD_DB: what each process of
    `onrecord serve --workers N` builds (uvicorn's app factory)."""
    return create_app(os.environ.get("ONRECORD_DB") or None, model=os.environ.get("ONRECORD_MODEL") or None)


def _record(request: Request) -> Record:
    return request.app.state.record


RecordDep = Annotated[Record, Depends(_record)]


def _require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = request.app.state.token
    if not expected:
        raise HTTPException(403, "writes are disabled: start the server with ONRECORD_API_TOKEN set")
    given = (authorization or "").removeprefix("Bearer ").strip()
    # constant-time comparison: the time taken says nothing of the token
    if not given or not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8")):
        raise HTTPException(401, "a valid API token is needed: Authorization: Bearer TOKEN",
                            headers={"WWW-Authenticate": "Bearer"})


def _page(request: Request, items: list[dict[str, Any]], limit: int, offset: int, output_format: str) -> Response:
    """A page of a list: JSON with the link to the next page, or CSV."""
    if output_format == "csv":
        return Response(csv_text(jsonable_encoder(items)), media_type="text/csv; charset=utf-8")
    following = None
    if len(items) == limit:
        params = {**request.query_params, "offset": offset + limit}
        following = f"{request.url.path}?{urlencode(params)}"
    return JSONResponse(jsonable_encoder({"items": items, "limit": limit, "offset": offset, "next": following}))


def _found(value: Any, what: str) -> Any:
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


def _api_routes() -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/stats", summary="What the store holds")
    def stats(record: RecordDep) -> dict[str, Any]:
        return record.stats()

    @api.get("/home", summary="What the home page shows: latest reversals and contradictions, most-discussed claims")
    def home(record: RecordDep) -> Any:
        return jsonable_encoder(views.home(record))

    @api.get("/search", summary="Articles, statements, claims and actors matching words")
    def search(record: RecordDep, q: Annotated[str, Query(min_length=1, max_length=200)]) -> Any:
        return jsonable_encoder(views.search(record, q))

    @api.get("/articles", summary="Articles, newest first, or best match first for a full-text query")
    def articles(request: Request, record: RecordDep, q: ShortText = None, source: ShortText = None,
                 since: Day = None, until: Day = None, limit: Limit = 50, offset: Offset = 0,
                 format: OutputFormat = "json") -> Response:
        found = record.articles(query=q, source=source, since=since, until=until, limit=limit, offset=offset)
        return _page(request, [a.to_dict() for a in found], limit, offset, format)

    @api.get("/articles/{article_id}", summary="An article: text, statements (with spans), headline statements, events")
    def article(record: RecordDep, article_id: str) -> Any:
        return jsonable_encoder(_found(views.article(record, article_id), "article"))

    @api.get("/statements", summary="Statements, filtered; q keeps those containing every word")
    def statements(request: Request, record: RecordDep, speaker: ShortText = None, actor: ShortText = None,
                   country: ShortText = None, cue: ShortText = None, kind: Kind | None = None,
                   stance: Stance | None = None, claim: ShortText = None, article: ShortText = None,
                   since: Day = None, until: Day = None, q: ShortText = None, limit: Limit = 50, offset: Offset = 0,
                   format: OutputFormat = "json") -> Response:
        found = record.statements(speaker=speaker, actor_id=actor, country=country, cue_class=cue, kind=kind,
                                  stance=stance, claim_id=claim, article_id=article, since=since, until=until,
                                  query=q, limit=limit, offset=offset)
        return _page(request, found, limit, offset, format)

    @api.get("/actors", summary="Actors, the most quoted first")
    def actors(request: Request, record: RecordDep, name: ShortText = None, country: ShortText = None,
               limit: Limit = 50, offset: Offset = 0, format: OutputFormat = "json") -> Response:
        return _page(request, record.actors(name=name, country=country, limit=limit, offset=offset), limit, offset,
                     format)

    @api.get("/actors/{actor_id}", summary="An actor: roles, affiliation, positions per claim, statements over time")
    def actor(record: RecordDep, actor_id: str) -> Any:
        return jsonable_encoder(_found(views.actor(record, actor_id), "actor"))

    @api.get("/claims", summary="Claims, the most discussed first")
    def claims(request: Request, record: RecordDep, q: ShortText = None, limit: Limit = 50, offset: Offset = 0,
               format: OutputFormat = "json") -> Response:
        return _page(request, record.claims(query=q, limit=limit, offset=offset), limit, offset, format)

    @api.get("/claims/{claim_id}", summary="A claim with its timeline of statements and its changes of position")
    def claim(record: RecordDep, claim_id: str) -> Any:
        return jsonable_encoder(_found(views.claim(record, claim_id), "claim"))

    @api.get("/claims/{claim_id}/timeline", summary="A claim's statements in time order")
    def timeline(request: Request, record: RecordDep, claim_id: str, format: OutputFormat = "json") -> Response:
        found = _found(views.claim(record, claim_id), "claim")["timeline"]
        if format == "csv":
            return Response(csv_text(jsonable_encoder(found)), media_type="text/csv; charset=utf-8")
        return JSONResponse(jsonable_encoder({"items": found}))

    def _changes(kind: str):
        def route(request: Request, record: RecordDep, actor: ShortText = None, since: Day = None,
                  claim: ShortText = None, limit: Limit = 100, offset: Offset = 0,
                  format: OutputFormat = "json") -> Response:
            found = record.reversals(kind=kind, actor=actor, since=since, claim_id=claim, limit=limit, offset=offset)
            return _page(request, found, limit, offset, format)
        return route

    api.get("/reversals", summary="Changes of position: an actor that denied a claim and then affirmed it, or the "
            "reverse")(_changes("reversal"))
    api.get("/contradictions", summary="Actors on different sides saying opposite things about a claim")(
        _changes("contradiction"))

    @api.get("/events", summary="CAMEO-coded events; code, source and target match as prefixes")
    def events(request: Request, record: RecordDep, code: ShortText = None, source: ShortText = None,
               target: ShortText = None, happened: bool | None = None, article: ShortText = None,
               limit: Limit = 100, offset: Offset = 0, format: OutputFormat = "json") -> Response:
        found = record.events(code=code, source=source, target=target, happened=happened, article_id=article,
                              limit=limit, offset=offset)
        return _page(request, found, limit, offset, format)

    @api.post("/analyze", summary="Analyse one article and return its record, without storing it",
              dependencies=[Depends(_require_token)])
    def analyze(request: Request, record: RecordDep, document: Document) -> Any:
        return jsonable_encoder(_analyze(request, record, document))

    @api.post("/ingest", summary="Store articles given as text or HTML, or fetched from URLs, and analyse them",
              dependencies=[Depends(_require_token)])
    def ingest(request: Request, record: RecordDep, body: IngestRequest) -> Any:
        with request.app.state.analysis_lock:
            report = record.ingest_documents([d.model_dump() for d in body.documents])
            if body.urls:
                from_urls = record.ingest(body.urls)
                report.counts.update(from_urls.counts)
                report.failures += from_urls.failures
        return report.to_dict()

    return api


def _analyze(request: Request, record: Record, document: Document) -> dict[str, Any]:
    from onrecord.ingest.draft import IngestOptions
    from onrecord.ingest.sources import given_article

    try:
        article = given_article(document.content(), document.url or "<request>", IngestOptions(languages=()),
                                url=document.url, title=document.title, published=document.published)
    except IngestError as exc:
        raise HTTPException(422, str(exc)) from None
    with request.app.state.analysis_lock:
        # analyze_items: the per-document time limit applies, and a failure comes back with its reason
        [result] = list(record.analyzer.analyze_items([article]))
    if isinstance(result, Failure):
        raise HTTPException(422, result.reason)
    return views.analysis(result)


def _printable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _error_handlers(app: FastAPI) -> None:
    """Errors as JSON for the API, as a page for the web app."""

    def wants_page(request: Request) -> bool:
        return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_page(request):
            return _templates().TemplateResponse(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                                                 status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        # where and why, not the input itself: it may be megabytes, or text
        # that cannot be encoded (a lone surrogate)
        detail = [{"loc": [_printable(str(part)) for part in error.get("loc", ())], "msg": _printable(error.get("msg", "")),
                   "type": error.get("type")} for error in exc.errors()]
        if wants_page(request):
            return _templates().TemplateResponse(request, "error.html", {"status": 422, "detail": detail},
                                                 status_code=422)
        return JSONResponse({"detail": detail}, status_code=422)


_TEMPLATES: Jinja2Templates | None = None
QUOTE_MARKS = "\"'“”‘’«»„"


def _quoted(text: str | None) -> str:
    """What was said, in quotation marks unless it carries its own."""
    text = text or ""
    return text if text[:1] in QUOTE_MARKS else f"“{text}”"


def _templates() -> Jinja2Templates:
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = Jinja2Templates(directory=str(resources.files("onrecord.api").joinpath("templates")))
        _TEMPLATES.env.globals.update(local_id=local_id, speaker_of=speaker_of, version=__version__)
        _TEMPLATES.env.filters["quoted"] = _quoted
    return _TEMPLATES


def _page_routes() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    def render(request: Request, name: str, data: dict[str, Any], api: str, status: int = 200) -> HTMLResponse:
        return _templates().TemplateResponse(request, name, {**data, "api": api}, status_code=status)

    @pages.get("/")
    def home(request: Request, record: RecordDep):
        return render(request, "home.html", views.home(record), "/api/home")

    @pages.get("/search")
    def search(request: Request, record: RecordDep, q: Annotated[str, Query(max_length=200)] = ""):
        data = views.search(record, q) if q.strip() else {"query": "", "articles": [], "statements": [], "claims": [],
                                                          "actors": []}
        return render(request, "search.html", data, f"/api/search?{urlencode({'q': q})}")

    def list_page(path: str, key: str, fetch) -> None:
        """A page listing 50 things a time: claims, articles or actors."""
        @pages.get(path)
        def route(request: Request, record: RecordDep, offset: Offset = 0):
            return render(request, f"{key}.html", {key: fetch(record, offset), "offset": offset},
                          f"/api{path}?offset={offset}")

    list_page("/claims", "claims", lambda record, offset: record.claims(limit=50, offset=offset))
    list_page("/articles", "articles",
              lambda record, offset: [a.to_dict() for a in record.articles(limit=50, offset=offset)])
    list_page("/actors", "actors", lambda record, offset: record.actors(limit=50, offset=offset))

    @pages.get("/claims/{claim_id}")
    def claim(request: Request, record: RecordDep, claim_id: str):
        data = _found(views.claim(record, claim_id), "claim")
        chart = timeline_svg(data["timeline"], data["reversals"])
        return render(request, "claim.html", {**data, "chart": chart}, f"/api/claims/{data['claim']['id']}")

    @pages.get("/articles/{article_id}")
    def article(request: Request, record: RecordDep, article_id: str):
        data = _found(views.article(record, article_id), "article")
        return render(request, "article.html", {**data, "body": highlight(data["article"]["text"], data["statements"])},
                      f"/api/articles/{data['article']['article_id']}")

    @pages.get("/actors/{actor_id}")
    def actor(request: Request, record: RecordDep, actor_id: str):
        data = _found(views.actor(record, actor_id), "actor")
        return render(request, "actor.html", data, f"/api/actors/{data['actor']['id']}")

    @pages.get("/events")
    def events(request: Request, record: RecordDep, code: ShortText = None, offset: Offset = 0):
        from onrecord.events.codes import describe

        found = [{**e, **describe(e["code"])} for e in record.events(code=code, limit=100, offset=offset)]
        return render(request, "events.html", {"events": found, "code": code or "", "offset": offset},
                      f"/api/events?{urlencode({'code': code or '', 'offset': offset})}")

    @pages.get("/analyze")
    def analyze_form(request: Request):
        return render(request, "analyze.html", {"result": None, "text": "", "error": None,
                                                "writes": bool(request.app.state.token)}, "/api/analyze")

    @pages.post("/analyze")
    def analyze_page(request: Request, record: RecordDep,
                     text: Annotated[str, Form(max_length=MAX_TEXT_CHARS)] = "",
                     token: Annotated[str, Form(max_length=500)] = ""):
        context = {"result": None, "text": text, "error": None, "writes": bool(request.app.state.token)}
        try:
            _require_token(request, f"Bearer {token}")
            _utf8(text)
            result = _analyze(request, record, Document(text=text))
        except HTTPException as exc:
            context["error"] = exc.detail
            return render(request, "analyze.html", context, "/api/analyze", status=exc.status_code)
        except ValueError as exc:
            context["error"] = str(exc)
            return render(request, "analyze.html", context, "/api/analyze", status=422)
        context["result"] = result
        context["body"] = highlight(result["article"]["text"], result["statements"])
        return render(request, "analyze.html", context, "/api/analyze")

    return pages
