"""The REST API and the web pages over one store (FastAPI).

    from onrecord.api.app import create_app
    app = create_app("sqlite:///news.db")      # or: onrecord serve --db news.db

Reads are open, and so is the paste-and-analyse page (it stores nothing;
the paste's size cap and the analysis time limit bound it). The API's
POST /api/analyze and POST /api/ingest need the token the server was started
with (ONRECORD_API_TOKEN), sent as `Authorization: Bearer TOKEN`; a server
started without one refuses them. Every list pages with `limit` and `offset`
in a stable order and comes as CSV with `format=csv`. Every route answers
with a record of `records.py` (its schema in /openapi.json), and every page
of the web app is built from the same records as an endpoint of the API,
linked from it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal, overload
from urllib.parse import unquote_to_bytes, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Header, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator, BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from onrecord import __version__, formats
from onrecord.api import views
from onrecord.api.highlight import highlight, local_id
from onrecord.api.timeline import speaker_of, stance_chart_svg, timeline_svg
from onrecord.ingest.errors import IngestError
from onrecord.ingest.urls import check_fetchable_url, malformed_url_reason
from onrecord.model import Failure
from onrecord.record import Record
from onrecord.records import (
    ActorPageRecord,
    ActorRecord,
    AnalysisRecord,
    ArticlePageRecord,
    ArticleRecord,
    ChangeRecord,
    CheckedClaimRecord,
    ClaimPageRecord,
    ClaimRecord,
    CorrectionRecord,
    EventRecord,
    HomeRecord,
    IngestReportRecord,
    Page,
    ReadModel,
    SearchRecord,
    StatementRecord,
    TimelineRecord,
    analysis_record,
)
from onrecord.settings import DEFAULT_SETTINGS, Settings
from onrecord.store.paging import CursorError, Listed, offset_page, offset_start

MAX_BODY_BYTES = DEFAULT_SETTINGS.api.max_body_bytes  # a request body over this is refused (413)
MAX_TEXT_CHARS = 2_000_000
MAX_PAGE = 500
MAX_OFFSET = 1_000_000
MAX_DOCUMENTS = 100  # per POST /api/ingest
CLAIM_PAGE_STATEMENTS = 100  # statements of a claim's timeline per page (web page and API default)
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
# A list's `format=`: the registry's written formats (formats.py), as the
# CLI's --format; json is the Page, the others its items (a format that does
# not fit the list, as gdelt-tsv for claims, is a 422).
OutputFormat = Literal["json", "jsonl", "csv", "parquet", "gdelt-tsv", "claim-jsonld"]
ShortText = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
TimelineLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Statements of the timeline per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
# A page's `after`: the cursor its previous page's `next` link carries
# (store/paging.py); it holds the last row's sort keys, not a secret.
After = Annotated[
    str | None,
    Query(max_length=2000, description="The cursor of the page before: the `after` of its `next` link"),
]
Before = Annotated[
    str | None,
    Query(max_length=2000, description="The cursor of the page after: the `before` of its `previous` link"),
]
Day = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]
Probability = Annotated[float | None, Query(ge=0.0, le=1.0)]


@overload
def _utf8(value: str) -> str: ...
@overload
def _utf8(value: None) -> None: ...
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


def _well_formed_url(value: str | None) -> str | None:
    """A document's URL as given (any scheme: it is stored, not fetched),
    but one that parses: an unclosed "[" or a bad port is refused."""
    reason = malformed_url_reason(value) if value is not None else None
    if reason:
        raise ValueError(reason)
    return value


def _fetchable_url(value: str) -> str:
    """A URL the API may fetch: well-formed http(s) with a host. Paths, "-",
    file: and other schemes never reach a reader."""
    reason = check_fetchable_url(_utf8(value))
    if reason:
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise ValueError(f"{shown!r}: {reason}")
    return value


class Document(BaseModel):
    """An article handed over in the request: its text or its HTML."""

    # default= by name: type checkers take a field's default only from the keyword
    text: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Plain text; the first line may be the headline."
    )
    html: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="A web page; its main text is extracted."
    )
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    published: dt.date | None = None

    _check_text = field_validator("text", "html", "url", "title")(lambda cls, v: _utf8(v))
    _check_url = field_validator("url")(lambda cls, v: _well_formed_url(v))

    def content(self) -> str:
        return self.html or self.text or ""


CorrectionKind = Literal[
    "stance", "speaker", "split-actor", "not-a-statement", "claim", "rename-actor", "merge-actors", "rename-claim"
]


class CorrectionRequest(BaseModel):
    """A correction of the record (see `Record.correct`): what it changes,
    the value it gives, who makes it and why."""

    kind: CorrectionKind
    target: str = Field(min_length=1, max_length=64, description="A statement, actor or claim id")
    value: str | None = Field(
        default=None, max_length=2000, description="A stance, an actor or claim id, a name, a claim's text"
    )
    why: str = Field(min_length=1, max_length=2000)
    by: str = Field(default="api", min_length=1, max_length=200)


class UndoRequest(BaseModel):
    why: str = Field(min_length=1, max_length=2000)
    by: str = Field(default="api", min_length=1, max_length=200)


class IngestRequest(BaseModel):
    documents: list[Document] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    urls: list[Annotated[str, Field(max_length=2000), AfterValidator(_fetchable_url)]] = Field(
        default_factory=list, max_length=MAX_DOCUMENTS, description="http(s) URLs to fetch (public addresses only)"
    )


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


class EmptyFiltersLeftOut:
    """A web page's filter form sends every field, the empty ones too
    ("since="): on the pages (not the API, whose parameters stay strict) an
    empty parameter is one not given."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("query_string") and not scope.get("path", "").startswith("/api/"):
            # on the raw bytes: what is kept goes on exactly as it came
            parts = scope["query_string"].split(b"&")
            kept = [part for part in parts if part and not part.endswith(b"=")]
            if len(kept) != len(parts):
                scope = {**scope, "query_string": b"&".join(kept)}
        return await self.app(scope, receive, send)


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


class _GuardedApp(FastAPI):
    """FastAPI with the request guards around its whole stack. Starlette
    answers an unhandled error (500) from its outermost layer, outside any
    middleware added with add_middleware: wrapped here, that answer carries
    the security headers too."""

    max_body_bytes = MAX_BODY_BYTES

    def build_middleware_stack(self):
        stack = EmptyFiltersLeftOut(super().build_middleware_stack())
        return SafeRequests(BodyLimit(stack, max_bytes=self.max_body_bytes))


def create_app(
    db: str | None = None,
    *,
    token: str | None = None,
    model: str | None = None,
    max_body_bytes: int | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The app over the store at `db` (else the settings'). `token` (else
    ONRECORD_API_TOKEN) guards the writes; without one, writes are refused.
    `settings` (the defaults when not given) rule the analysis and the
    request size limits."""
    settings = settings if settings is not None else DEFAULT_SETTINGS
    record = Record(db, model=model, settings=settings)
    app = _GuardedApp(
        title="onrecord",
        version=__version__,
        description="Who said what, when, about which claim, and when they changed their story.",
        docs_url=None,  # FastAPI's /docs loads Swagger UI from a CDN: ours serves it from the package
        redoc_url=None,
    )
    app.max_body_bytes = max_body_bytes or settings.api.max_body_bytes
    app.state.record = record
    app.state.token = token if token is not None else (os.environ.get("ONRECORD_API_TOKEN") or None)
    app.state.analysis_lock = threading.Lock()  # one parse at a time: the spaCy pipeline is shared
    listings: list[Resource] = []
    app.include_router(_api_routes(listings))
    app.include_router(_page_routes(listings))
    swagger = resources.files("fastapi_offline").joinpath("static")  # Swagger UI 5, from its PyPI package
    app.mount("/static/swagger", StaticFiles(directory=str(swagger)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(resources.files("onrecord.api").joinpath("static"))), name="static")
    _error_handlers(app)
    app.router.on_shutdown.append(record.close)
    return app


def app_from_environment() -> FastAPI:
    """The app under the settings the environment names (ONRECORD_CONFIG,
    ONRECORD_DB, ONRECORD_MODEL): what each process of `onrecord serve
    --workers N` builds (uvicorn's app factory)."""
    return create_app(settings=Settings.load())


def _record(request: Request) -> Record:
    return request.app.state.record


RecordDep = Annotated[Record, Depends(_record)]


def _token_matches(request: Request, authorization: str | None) -> bool:
    expected = request.app.state.token
    given = (authorization or "").removeprefix("Bearer ").strip()
    # constant-time comparison: the time taken says nothing of the token
    return bool(expected and given) and hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    if not request.app.state.token:
        raise HTTPException(403, "writes are disabled: start the server with ONRECORD_API_TOKEN set")
    if not _token_matches(request, authorization):
        raise HTTPException(
            401, "a valid API token is needed: Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"}
        )


SESSION_COOKIE = "onrecord_session"


def _session_value(token: str) -> str:
    """What the sign-in cookie holds: a keyed digest of the token, not the token."""
    return hmac.new(token.encode("utf-8"), b"onrecord web session", "sha256").hexdigest()


def _signed_in(request: Request) -> bool:
    """Whether this browser signed in with the server's token (/signin)."""
    token = request.app.state.token
    cookie = request.cookies.get(SESSION_COOKIE)
    return bool(token and cookie and hmac.compare_digest(cookie, _session_value(token)))


def _form_key(token: str) -> str:
    """The hidden field of a signed-in reader's forms: another site cannot
    read it, so it cannot post a correction in the reader's name (with the
    SameSite cookie, the guard against cross-site requests)."""
    return hmac.new(token.encode("utf-8"), b"onrecord correction form", "sha256").hexdigest()


def _from_our_form(request: Request, key: str) -> bool:
    token = request.app.state.token
    origin = request.headers.get("origin")
    here = f"{request.url.scheme}://{request.url.netloc}"
    if origin not in (None, "null", here):  # a browser that names another site (no-referrer pages send "null")
        return False
    return bool(token) and hmac.compare_digest(key, _form_key(token))


def _full_refs(request: Request) -> bool:
    """Whether the reader holds the token, and so may see where on the
    server an article was read from (anonymous readers get its file name)."""
    return _token_matches(request, request.headers.get("authorization"))


def _next_link(request: Request, offset: int, limit: int, more: bool) -> str | None:
    if not more:
        return None
    return f"{request.url.path}?{urlencode({**request.query_params, 'offset': offset + limit})}"


def _cursor_link(request: Request, way: str, cursor: str | None) -> str | None:
    """The link to the page after (`way` "after") or before ("before") a
    cursor: the same query with the cursor in place of any offset or other
    cursor."""
    if cursor is None:
        return None
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "after", "before")}
    return f"{request.url.path}?{urlencode({**params, way: cursor})}"


def _page(
    request: Request,
    items: Sequence[ReadModel],
    limit: int,
    offset: int,
    output_format: str,
    kind: str,
    record: Record,
) -> Any:
    """A page of a list: a Page with the cursors and links of the pages
    after and before it (keyset: the store's `Listed`), or its items in
    another format of the registry."""
    if output_format != "json":
        return _written(items, output_format, kind, record)
    after = items.after if isinstance(items, Listed) else None
    before = items.before if isinstance(items, Listed) else None
    return Page(
        items=list(items),
        limit=limit,
        offset=offset,
        after=after,
        before=before,
        next=_cursor_link(request, "after", after),
        previous=_cursor_link(request, "before", before),
    )


def _written(items: Sequence[ReadModel], output_format: str, kind: str, record: Record) -> Response:
    """A page's items in a format of the registry, as the CLI writes them."""
    try:
        chosen = formats.get_format(output_format, kind)
    except formats.FormatError as exc:
        raise HTTPException(422, str(exc)) from None
    context = formats.WriteContext(kind=kind, timeline_of=record.store.claim_timeline)
    return Response(formats.written(items, output_format, context), media_type=chosen.media_type)


# A list route's answer: the Page as JSON, or the same items in another format.
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            f.media_type.split(";")[0]: {"schema": {"type": "string"}}
            for f in formats.FORMATS.values()
            if f.writer is not None and f.name != "json"
        }
    }
}


def _claim_page(request: Request, record: Record, claim_id: str, limit: int, offset: int) -> ClaimPageRecord:
    """A claim with a page of its timeline, the timeline's length and the
    link to its next page."""
    found = _found(views.claim(record, claim_id, limit=limit, offset=offset), "claim")
    more = offset + len(found.timeline) < found.total
    previous = None
    if offset > 0:
        previous = f"{request.url.path}?{urlencode({**request.query_params, 'offset': max(offset - limit, 0)})}"
    return found.model_copy(update={"next": _next_link(request, offset, limit, more), "previous": previous})


def _found(value: Any, what: str) -> Any:
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


@dataclass(frozen=True)
class Listing:
    """A list resource: one handler answers both its API route (`/api/PATH`:
    a Page as JSON, or CSV) and its web page (`/PATH`: the same Page as
    HTML, with the same filters and paging), so the two cannot drift."""

    path: str
    template: str
    title: str
    handler: Callable[..., Any]


@dataclass(frozen=True)
class Detail:
    """One thing's resource (a claim, an article, an actor): one handler
    answers its API route (`/api/PATH`, the record as JSON) and its web page
    (`/PATH`, the same record as HTML, with what only a page draws: a chart,
    the text with its statements marked), so the two cannot drift."""

    path: str
    template: str
    drawn: Callable[[Any], dict[str, Any]]  # the page's drawings of the record
    handler: Callable[..., Any]


# What the API registers and the web mirrors: lists and single things.
Resource = Listing | Detail


def _detailed(
    api: APIRouter,
    resources: list[Resource],
    path: str,
    template: str,
    drawn: Callable[[Any], dict[str, Any]],
    **route: Any,
):
    """Register one thing's handler under /api and note it for its web page."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        api.get(path, **route)(handler)
        resources.append(Detail(path, template, drawn, handler))
        return handler

    return register


def _listed(api: APIRouter, listings: list[Resource], path: str, template: str, title: str, **route: Any):
    """Register a list handler under /api and note it for its web page."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        api.get(path, responses=LIST_RESPONSES, **route)(handler)
        listings.append(Listing(path, template, title, handler))
        return handler

    return register


def _api_routes(listings: list[Resource]) -> APIRouter:
    api = APIRouter(prefix="/api")
    _overview_routes(api)
    _article_routes(api, listings)
    _statement_routes(api, listings)
    _actor_routes(api, listings)
    _claim_routes(api, listings)
    _change_routes(api, listings)
    _event_routes(api, listings)
    _write_routes(api)
    _correction_routes(api)
    return api


def _overview_routes(api: APIRouter) -> None:
    """The store as a whole: its figures, the home page's data, search."""

    @api.get("/stats", summary="What the store holds", response_model=dict[str, Any])
    def stats(record: RecordDep) -> dict[str, Any]:
        return record.stats()

    @api.get(
        "/home",
        summary="What the home page shows: latest reversals and contradictions, most-discussed claims",
        response_model=HomeRecord,
    )
    def home(record: RecordDep) -> Any:
        return views.home(record)

    @api.get(
        "/check",
        summary="What the store holds about a claim in plain words: the claims that are it, then those close "
        "in meaning (best first), each with its timeline",
        response_model=list[CheckedClaimRecord],
    )
    def check(request: Request, record: RecordDep, q: Annotated[str, Query(min_length=3, max_length=500)]) -> Any:
        with request.app.state.analysis_lock:  # the pipeline is shared: one parse at a time
            return record.check(q)

    @api.get("/search", summary="Articles, statements, claims and actors matching words", response_model=SearchRecord)
    def search(request: Request, record: RecordDep, q: Annotated[str, Query(min_length=1, max_length=200)]) -> Any:
        return views.search(record, q, full_refs=_full_refs(request))


def _article_routes(api: APIRouter, listings: list[Resource]) -> None:
    """Articles: listed, searched, one with its statements."""

    @_listed(
        api,
        listings,
        "/articles",
        "articles.html",
        "Articles",
        summary="Articles, newest first, or best match first for a full-text query",
        response_model=Page[ArticleRecord],
    )
    def articles(
        request: Request,
        record: RecordDep,
        q: ShortText = None,
        source: ShortText = None,
        since: Day = None,
        until: Day = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        found = record.articles(
            query=q, source=source, since=since, until=until, limit=limit, offset=offset, after=after, before=before
        )
        full = _full_refs(request) and request.url.path.startswith("/api/")
        shown = Listed([views.article_record(a, full_refs=full) for a in found], found.after, found.before)
        return _page(request, shown, limit, offset, format, "articles", record)

    @_detailed(
        api,
        listings,
        "/articles/{article_id}",
        "article.html",
        lambda data: {"body": highlight(data.article.text or "", data.statements)},
        summary="An article: text, statements (with spans), headline statements, events",
        response_model=ArticlePageRecord,
    )
    def article(request: Request, record: RecordDep, article_id: str) -> Any:
        return _found(views.article(record, article_id, full_refs=_full_refs(request)), "article")


def _statement_routes(api: APIRouter, listings: list[Resource]) -> None:
    """Statements, filtered."""

    @_listed(
        api,
        listings,
        "/statements",
        "statements.html",
        "Statements",
        summary="Statements, filtered; q keeps those containing every word; source is the article's outlet",
        response_model=Page[StatementRecord],
    )
    def statements(
        request: Request,
        record: RecordDep,
        speaker: ShortText = None,
        actor: ShortText = None,
        country: ShortText = None,
        cue: ShortText = None,
        kind: Kind | None = None,
        stance: Stance | None = None,
        claim: ShortText = None,
        article: ShortText = None,
        source: ShortText = None,
        since: Day = None,
        until: Day = None,
        q: ShortText = None,
        min_confidence: Probability = None,
        min_speaker_confidence: Probability = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        found = record.statements_where(
            speaker=speaker,
            actor=actor,
            country=country,
            cue=cue,
            kind=kind,
            stance=stance,
            claim=claim,
            article=article,
            source=source,
            since=since,
            until=until,
            q=q,
            min_confidence=min_confidence,
            min_speaker_confidence=min_speaker_confidence,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )
        return _page(request, found, limit, offset, format, "statements", record)


def _actor_routes(api: APIRouter, listings: list[Resource]) -> None:
    """Actors: listed, one with its positions."""

    @_listed(
        api,
        listings,
        "/actors",
        "actors.html",
        "Actors",
        summary="Actors, the most quoted first",
        response_model=Page[ActorRecord],
    )
    def actors(
        request: Request,
        record: RecordDep,
        name: ShortText = None,
        country: ShortText = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        found = record.actors(name=name, country=country, limit=limit, offset=offset, after=after, before=before)
        return _page(request, found, limit, offset, format, "actors", record)

    @_detailed(
        api,
        listings,
        "/actors/{actor_id}",
        "actor.html",
        lambda data: {"chart": stance_chart_svg(data.statements)},
        summary="An actor: roles, affiliation, positions per claim, statements over time",
        response_model=ActorPageRecord,
    )
    def actor(request: Request, record: RecordDep, actor_id: str) -> Any:
        return _found(views.actor(record, actor_id), "actor")


def _claim_routes(api: APIRouter, listings: list[Resource]) -> None:
    """Claims: listed, one with a page of its timeline."""

    @_listed(
        api,
        listings,
        "/claims",
        "claims.html",
        "Claims",
        summary="Claims, the most discussed first",
        response_model=Page[ClaimRecord],
    )
    def claims(
        request: Request,
        record: RecordDep,
        q: ShortText = None,
        limit: Limit = 50,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        return _page(
            request,
            record.claims(query=q, limit=limit, offset=offset, after=after, before=before),
            limit,
            offset,
            format,
            "claims",
            record,
        )

    @_detailed(
        api,
        listings,
        "/claims/{claim_id}",
        "claim.html",
        lambda data: {"chart": timeline_svg(data.timeline, data.reversals)},
        summary="A claim with a page of its timeline of statements (total: how many; "
        "next and previous: the pages around it) and its changes of position",
        response_model=ClaimPageRecord,
    )
    def claim(
        request: Request,
        record: RecordDep,
        claim_id: str,
        limit: TimelineLimit = CLAIM_PAGE_STATEMENTS,
        offset: Offset = 0,
    ) -> Any:
        return _claim_page(request, record, claim_id, limit, offset)

    @api.get(
        "/claims/{claim_id}/timeline",
        summary="A claim's statements in time order, a page at a time",
        response_model=Page[TimelineRecord],
        responses=LIST_RESPONSES,
    )
    def timeline(
        request: Request,
        record: RecordDep,
        claim_id: str,
        limit: TimelineLimit = 100,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        start = offset_start("timeline", after=after, before=before, offset=offset)  # ordered in Python
        found = _claim_page(request, record, claim_id, limit, start)
        if format != "json":
            return _written(found.timeline, format, "timeline", record)
        listed = offset_page("timeline", found.timeline, start=start, limit=limit, more=found.next is not None)
        return _page(request, listed, limit, offset, format, "timeline", record).model_copy(
            update={"total": found.total}
        )


_CHANGE_KINDS: dict[str, str] = {}  # a change's kind -> its list's name ("reversal" -> "reversals")


def _change_routes(api: APIRouter, listings: list[Resource]) -> None:
    """Changes of position and contradictions."""

    def _changes(kind: str):
        def route(
            request: Request,
            record: RecordDep,
            actor: ShortText = None,
            since: Day = None,
            claim: ShortText = None,
            limit: Limit = 100,
            offset: Offset = 0,
            after: After = None,
            before: Before = None,
            format: OutputFormat = "json",
        ) -> Any:
            found = record.reversals(
                kind=kind,
                actor=actor,
                since=since,
                claim_id=claim,
                limit=limit,
                offset=offset,
                after=after,
                before=before,
            )
            return _page(request, found, limit, offset, format, _CHANGE_KINDS[kind], record)

        return route

    for path, kind, title, summary in (
        (
            "/reversals",
            "reversal",
            "Changes of position",
            "Changes of position: an actor that denied a claim and then affirmed it, or the reverse",
        ),
        (
            "/contradictions",
            "contradiction",
            "Contradictions",
            "Actors on different sides saying opposite things about a claim",
        ),
    ):
        _CHANGE_KINDS[kind] = path.strip("/")
        _listed(api, listings, path, "changes.html", title, summary=summary, response_model=Page[ChangeRecord])(
            _changes(kind)
        )


def _event_routes(api: APIRouter, listings: list[Resource]) -> None:
    """CAMEO-coded events."""

    @_listed(
        api,
        listings,
        "/events",
        "events.html",
        "Events",
        summary="CAMEO-coded events; code, source and target match as prefixes",
        response_model=Page[EventRecord],
    )
    def events(
        request: Request,
        record: RecordDep,
        code: ShortText = None,
        source: ShortText = None,
        target: ShortText = None,
        happened: bool | None = None,
        article: ShortText = None,
        limit: Limit = 100,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        found = record.events(
            code=code,
            source=source,
            target=target,
            happened=happened,
            article_id=article,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )
        return _page(request, found, limit, offset, format, "events", record)


def _write_routes(api: APIRouter) -> None:
    """Writes (the token is needed): analyse one article, ingest several."""

    @api.post(
        "/analyze",
        summary="Analyse one article and return its record, without storing it",
        dependencies=[Depends(_require_token)],
        response_model=AnalysisRecord,
    )
    def analyze(request: Request, record: RecordDep, document: Document) -> Any:
        return _analyze(request, record, document)

    @api.post(
        "/ingest",
        summary="Store articles given as text or HTML, or fetched from URLs, and analyse them",
        dependencies=[Depends(_require_token)],
        response_model=IngestReportRecord,
    )
    def ingest(request: Request, record: RecordDep, body: IngestRequest) -> Any:
        with request.app.state.analysis_lock:
            report = record.ingest_documents([d.model_dump() for d in body.documents])
            if body.urls:
                # URLs only, public addresses only: never the general reader, which takes paths and "-"
                from_urls = record.ingest_urls(body.urls)
                report.counts.update(from_urls.counts)
                report.failures += from_urls.failures
        return report.to_dict()


def _correction_routes(api: APIRouter) -> None:
    """Corrections of the record: listed by anyone, made and undone with the token."""

    @api.get(
        "/corrections",
        summary="Corrections and undos, the latest first; target: one statement's, actor's or claim's history",
        response_model=Page[CorrectionRecord],
        responses=LIST_RESPONSES,
    )
    def corrections(
        request: Request,
        record: RecordDep,
        target: ShortText = None,
        limit: Limit = 100,
        offset: Offset = 0,
        after: After = None,
        before: Before = None,
        format: OutputFormat = "json",
    ) -> Any:
        found = record.corrections(target=target, limit=limit, offset=offset, after=after, before=before)
        return _page(request, found, limit, offset, format, "corrections", record)

    @api.post(
        "/corrections",
        summary="Correct the record (kept with who and why; applied again after every re-analysis)",
        dependencies=[Depends(_require_token)],
        response_model=CorrectionRecord,
    )
    def correct(record: RecordDep, body: CorrectionRequest) -> Any:
        from onrecord.store.corrections import CorrectionError

        try:
            return record.correct(body.kind, body.target, body.value, by=body.by, why=body.why)
        except CorrectionError as exc:
            raise HTTPException(422, str(exc)) from None

    @api.post(
        "/corrections/{correction_id}/undo",
        summary="Undo a correction: what it changed is put back; the undo is kept too",
        dependencies=[Depends(_require_token)],
        response_model=CorrectionRecord,
    )
    def undo(record: RecordDep, correction_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: UndoRequest) -> Any:
        from onrecord.store.corrections import CorrectionError

        try:
            return record.undo_correction(correction_id, by=body.by, why=body.why)
        except CorrectionError as exc:
            raise HTTPException(422, str(exc)) from None


def _analyze(request: Request, record: Record, document: Document) -> AnalysisRecord:
    from onrecord.ingest.sources import given_article

    try:
        article = given_article(
            document.content(),
            document.url or "<request>",
            record.ingest_options(languages=()),
            url=document.url,
            title=document.title,
            published=document.published,
        )
    except IngestError as exc:
        raise HTTPException(422, str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a document that cannot be read is a bad request, not a 500
        raise HTTPException(422, f"the document cannot be read ({type(exc).__name__}: {_short(str(exc))})") from None
    with request.app.state.analysis_lock:
        # analyze_items: the per-document time limit applies, and a failure comes back with its reason
        try:
            [result] = list(record.analyzer.analyze_items([article]))
        except Exception as exc:  # noqa: BLE001 - a document the analysis cannot take is the request's fault, not a 500
            raise HTTPException(
                422, f"the document cannot be analysed ({type(exc).__name__}: {_short(str(exc))})"
            ) from None
    if isinstance(result, Failure):
        raise HTTPException(422, result.reason)
    return analysis_record(result)


def _printable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _short(text: str, size: int = 300) -> str:
    """A reason fit for one line of an error: a library's message may quote
    the whole input."""
    text = " ".join(_printable(text).split())
    return text if len(text) <= size else text[: size - 3] + "..."


def _error_handlers(app: FastAPI) -> None:
    """Errors as JSON for the API, as a page for the web app."""

    def wants_page(request: Request) -> bool:
        return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_page(request):
            return _templates().TemplateResponse(
                request, "error.html", {"status": exc.status_code, "detail": exc.detail}, status_code=exc.status_code
            )
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(CursorError)
    async def bad_cursor(request: Request, exc: CursorError):
        if wants_page(request):
            return _templates().TemplateResponse(
                request, "error.html", {"status": 422, "detail": str(exc)}, status_code=422
            )
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        # where and why, not the input itself: it may be megabytes, or text
        # that cannot be encoded (a lone surrogate)
        detail = [
            {
                "loc": [_printable(str(part)) for part in error.get("loc", ())],
                "msg": _printable(error.get("msg", "")),
                "type": error.get("type"),
            }
            for error in exc.errors()
        ]
        if wants_page(request):
            return _templates().TemplateResponse(
                request, "error.html", {"status": 422, "detail": detail}, status_code=422
            )
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        # a bug: say so, as JSON (or a page), and show nothing of its internals
        if wants_page(request):
            return _templates().TemplateResponse(
                request, "error.html", {"status": 500, "detail": "internal error"}, status_code=500
            )
        return JSONResponse({"detail": "internal error: the request could not be answered"}, status_code=500)


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


def _render(request: Request, name: str, data: BaseModel | dict[str, Any], api: str, status: int = 200) -> HTMLResponse:
    """A page, with the link to the API endpoint that gives its data (a
    record's fields are the template's names)."""
    signed_in = _signed_in(request)
    form_key = _form_key(request.app.state.token) if signed_in else ""
    context = {**dict(data), "api": api, "signed_in": signed_in, "form_key": form_key, "here": request.url.path}
    return _templates().TemplateResponse(request, name, context, status_code=status)


def _page_routes(listings: list[Resource]) -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    _overview_pages(pages)
    _docs_page(pages)
    _correction_pages(pages)
    for resource in listings:
        page = _list_page(resource) if isinstance(resource, Listing) else _detail_page(resource)
        pages.get(resource.path)(page)
    _analyze_pages(pages)
    return pages


# Swagger UI sets style attributes on what it draws: the documentation page
# alone allows inline styles (scripts stay the server's own files).
DOCS_POLICY = SECURITY_HEADERS["content-security-policy"].replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


def _correction_pages(pages: APIRouter) -> None:
    """Signing in with the server's token, and the correction forms beside
    statements and actors (for a signed-in reader only)."""

    @pages.get("/signin")
    def signin_form(request: Request):
        return _render(request, "signin.html", {"error": None, "writable": bool(request.app.state.token)}, "")

    @pages.post("/signin")
    def signin(request: Request, token: Annotated[str, Form(max_length=500)] = ""):
        known = request.app.state.token
        if not known or not hmac.compare_digest(token.encode("utf-8"), known.encode("utf-8")):
            context = {"error": "That is not the server's token.", "writable": bool(known)}
            return _render(request, "signin.html", context, "", status=401)
        answer = RedirectResponse("/", status_code=303)
        secure = request.url.scheme == "https"
        answer.set_cookie(
            SESSION_COOKIE, _session_value(known), httponly=True, samesite="strict", secure=secure, path="/"
        )
        return answer

    @pages.post("/signout")
    def signout(request: Request):
        answer = RedirectResponse("/", status_code=303)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        return answer

    @pages.post("/corrections")
    def correct_page(
        request: Request,
        record: RecordDep,
        kind: Annotated[CorrectionKind, Form()],
        target: Annotated[str, Form(max_length=64)],
        why: Annotated[str, Form(min_length=1, max_length=2000)],
        value: Annotated[str, Form(max_length=2000)] = "",
        back: Annotated[str, Form(max_length=500)] = "/",
        by: Annotated[str, Form(max_length=200)] = "",
        form_key: Annotated[str, Form(max_length=100)] = "",
    ):
        from onrecord.store.corrections import CorrectionError

        if not _signed_in(request) or not _from_our_form(request, form_key):
            raise HTTPException(403, "sign in with the server's token to correct the record")
        try:
            record.correct(kind, target, value.strip() or None, by=by.strip() or "a reader on the web", why=why)
        except CorrectionError as exc:
            raise HTTPException(422, str(exc)) from None
        # back to the page the form was on (a path of this site only)
        return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)


def _docs_page(pages: APIRouter) -> None:
    """The API documentation: Swagger UI over /openapi.json, from the package's files."""

    @pages.get("/docs")
    def docs(request: Request):
        response = _render(request, "docs.html", {}, "/openapi.json")
        response.headers["content-security-policy"] = DOCS_POLICY
        return response


def _list_page(listing: Listing) -> Callable[..., Any]:
    """The web page of a list resource: its API handler's Page, with the
    same query parameters, as HTML (format=csv: the CSV)."""

    @functools.wraps(listing.handler)  # the handler's parameters are the page's
    def page(request: Request, **params: Any) -> Any:
        answer = listing.handler(request, **params)
        if isinstance(answer, Response):
            return answer
        paging = ("offset", "limit", "format", "after", "before")
        shown = {k: v for k, v in request.query_params.items() if k not in paging and v}
        first = None
        if answer.previous is None and any(k in request.query_params for k in ("after", "before", "offset")):
            # past the end, or a page that ran short: the way back is the first page
            first = f"{request.url.path}?{urlencode(shown)}" if shown else request.url.path
        query = request.url.query
        context = {
            "page": answer,
            "filters": shown,
            "previous": answer.previous,
            "first": first,
            "title": listing.title,
            "path": listing.path,
        }
        return _render(request, listing.template, context, f"/api{listing.path}" + (f"?{query}" if query else ""))

    return page


def _overview_pages(pages: APIRouter) -> None:
    """The home page and search."""

    @pages.get("/")
    def home(request: Request, record: RecordDep):
        return _render(request, "home.html", views.home(record), "/api/home")

    @pages.get("/search")
    def search(request: Request, record: RecordDep, q: Annotated[str, Query(max_length=200)] = ""):
        data = (
            views.search(record, q)
            if q.strip()
            else SearchRecord(query="", articles=[], statements=[], claims=[], actors=[])
        )
        return _render(request, "search.html", data, f"/api/search?{urlencode({'q': q})}")


def _detail_page(detail: Detail) -> Callable[..., Any]:
    """The web page of one thing: its API handler's record, with the same
    parameters, as HTML with the page's drawings."""

    @functools.wraps(detail.handler)  # the handler's parameters are the page's
    def page(request: Request, **params: Any) -> Any:
        data = detail.handler(request, **params)
        query = request.url.query
        api = f"/api{request.url.path}" + (f"?{query}" if query else "")
        return _render(request, detail.template, {**dict(data), **detail.drawn(data)}, api)

    return page


def _analyze_pages(pages: APIRouter) -> None:
    """The paste-and-analyse form."""

    @pages.get("/analyze")
    def analyze_form(request: Request):
        return _render(
            request,
            "analyze.html",
            {"result": None, "text": "", "published": "", "error": None},
            "/api/analyze",
        )

    # The form parser's own cap on a field (1 MiB, answered with a 400) is
    # lifted to the body cap, so that the paste's size is checked here: a 413.
    @pages.post("/analyze", form_limits={"max_part_size": MAX_BODY_BYTES})
    def analyze_page(
        request: Request,
        record: RecordDep,
        text: Annotated[str, Form()] = "",
        published: Annotated[str, Form(max_length=40)] = "",
    ):
        # open to every reader: it stores nothing, and the size cap above and
        # the per-document time limit of the analysis bound what it costs
        most = record.settings.api.max_paste_bytes
        if len(text.encode("utf-8", "surrogatepass")) > most:
            raise HTTPException(413, f"the pasted text is over {most} bytes: send longer texts to POST /api/analyze")
        context: dict[str, Any] = {"result": None, "text": text, "published": published, "error": None}
        try:
            _utf8(text)
            document = Document.model_validate({"text": text, "published": published.strip() or None})
            result = _analyze(request, record, document)
        except HTTPException as exc:
            context["error"] = exc.detail
            return _render(request, "analyze.html", context, "/api/analyze", status=exc.status_code)
        except ValueError as exc:
            context["error"] = str(exc)
            return _render(request, "analyze.html", context, "/api/analyze", status=422)
        context["result"] = result
        context["body"] = highlight(result.article.text or "", result.statements)
        return _render(request, "analyze.html", context, "/api/analyze")
