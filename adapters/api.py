"""The HTTP API: the same queries and commands as the command line, for programs and browsers.

Every view is a GET taking ``as_of`` and ``known_at`` as the CLI's ``--as-of`` and ``--known-at``; every
recording is a POST of one journal entry (the format of ``docs/journal.md``) under an ``Idempotency-Key``
(the same key records once, across the registry). Amounts are decimal strings; refusals are RFC 9457
problem details naming the rule and the agreement's section.

Callers authenticate with a bearer token (``debtreg identity token``) standing for an identity whose key
file the server was given; what it may do is its role in the store, read at each request (so a revocation
takes effect at once). Reads, and everything an auditor does, go through a read-only connection: an SQLite
file opened read-only, or on PostgreSQL the URL given as ``read_url`` (a role granted SELECT only).
"""


import keyword
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime
from http import HTTPStatus
from inspect import Parameter, Signature
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import Cookie, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters import descriptions, exports
from adapters import page as pages
from adapters.encoding import plain
from adapters.entries import Entry, PrepaymentEntry, TextEntry
from adapters.entries.base import closest, described
from adapters.identity import ADMINISTRATOR, RECORDERS, ROLES, NotAllowed, Signer, token_of
from adapters.ledger import Tampered, UnknownIdentity
from adapters.moments import KnownAt, Malformed, date_range, given_text, holder_text, parsed_date
from adapters.moments import known_at as known_at_of
from adapters.queries import Previewed, Queries, Recorded
from adapters.registry import Registry
from adapters.render import known_at_said
from adapters.store import shown_url, store_said
from domain.errors import (
    InvalidCommand,
    NotYetRecorded,
    RegistryError,
    UnknownAgreement,
    UnknownEvent,
    UnknownHolder,
)

PROBLEM = "application/problem+json"
COOKIE = "debtreg_token"
ENTRIES = TypeAdapter(Entry)


# The views' query parameters, as the CLI's options of the same names: their type, and what they mean in the words
# of the option's help.
PARAMETERS: dict[str, tuple[type, str]] = {
    "as_of": (str, descriptions.AS_OF),
    "known_at": (str, descriptions.KNOWN_AT),
    "section": (str, descriptions.SECTION),
    "series": (str, descriptions.SERIES),
    "holder": (str, descriptions.HOLDER),
    "from": (str, descriptions.EVENTS_FROM),
    "to": (str, descriptions.EVENTS_TO),
    "kind": (list[str], descriptions.KIND),
    "note": (int, descriptions.EVENTS_NOTE),
    "amendment": (int, descriptions.AMENDMENT),
    "size": (int, descriptions.SIZE),
    "from_size": (int, descriptions.FROM_SIZE),
    "to_size": (int, descriptions.TO_SIZE),
    "effective_on": (str, descriptions.ON),  # a quote's, named as the prepayment entry names them
    "amount": (str, descriptions.PREPAID),
    "treasury_curve": (str, descriptions.CURVE),
    "by": (str, descriptions.BY),
}


def described_by(response: Response, json_view: str, params: dict, dated: Sequence[str], moment: KnownAt) -> None:
    """A CSV's link to the view it holds the rows of, in JSON, which says with them what a CSV cannot (its totals, notes
    and moment): asked with the same dates ``dated`` and moment (an event's, as given)."""
    given = moment.isoformat() if isinstance(moment, datetime) else moment
    query = urlencode({name: value for name, value in (*((n, params.get(n)) for n in dated), ("known_at", given)) if value})
    response.headers["Link"] = f'<{json_view}{"?" + query if query else ""}>; rel="describedby"; type="application/json"'


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A file to download, named by what was asked: a key on the registry, a view, dates (nothing to escape)."""
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def argument(name: str) -> str:
    """The endpoint's argument for the query parameter ``name`` (``from`` is Python's keyword: ``from_``, by alias)."""
    return f"{name}_" if keyword.iskeyword(name) else name


class Unauthenticated(RegistryError):
    rule = "every request names its identity: Authorization: Bearer TOKEN (debtreg identity token)"


class UnknownParameter(RegistryError):
    rule = "a view takes only the query parameters it lists"


def refuse_unknown(asked: Sequence[str], taken: Sequence[str]) -> None:
    """Refused, a query parameter the view does not take: ignored, a misspelt ``known_at`` would show what is known
    now, and a misspelt filter everything, as if asked for."""
    for name in asked:
        if name not in taken:
            close = closest(name, taken)
            raise UnknownParameter(f"{name}: is not a parameter of this view" + (f" (did you mean {close!r}?)" if close else "")
                                   + (f"; it takes {', '.join(taken)}" if taken else "; it takes none"))


def body_problem(found: dict) -> str:
    """What is wrong with a request's body, which the web framework reads before the entry it holds, in words."""
    if found["type"] == "json_invalid":
        return f"body: not JSON: {found['ctx']['error']} at character {found['loc'][1]}"
    if found["type"] == "missing":
        return "body: is required: one journal entry, as a JSON object"
    if found["type"] == "dict_type":
        return 'body: is not a JSON object: give one journal entry, e.g. {"type": "transfer", ...}'
    return f"body: {found['msg']}"


STATUS = {Unauthenticated: 401, NotAllowed: 403, UnknownIdentity: 403, UnknownAgreement: 404, UnknownEvent: 404, Tampered: 409, NotYetRecorded: 404, UnknownHolder: 422}


def problem(status: int, error: RegistryError | None = None, *, title: str | None = None, detail: str | None = None,
            kind: str = "Invalid") -> JSONResponse:
    """An RFC 9457 problem: its type names the kind of refusal (the error's, else ``kind``), its title the rule broken."""
    if isinstance(error, Malformed):  # a value that is not of its kind, in a parameter or the body: as pydantic's
        error, detail = None, error.message
    kind = type(error).__name__ if error is not None else kind
    body = {
        "type": f"/problems/{re.sub(r'(?<!^)(?=[A-Z])', '-', kind).lower()}",
        "title": title or (error.rule if error is not None else "the request is malformed"),
        "status": status,
        "detail": detail or (error.message if error is not None else None),
    }
    if error is not None and error.section:
        body["section"] = error.section
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def create_app(url: str, signers: Sequence[Signer], *, read_url: str | None = None) -> FastAPI:
    """The API over the store at ``url``, acting for the identities whose keys are ``signers``."""
    tokens = {token_of(s): s for s in signers}
    reader = Registry(read_url or url, read_only=True)
    writers: dict[str, Registry] = {}
    lock = threading.Lock()  # one request at a time against a registry and its stream cache

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()
        for registry in writers.values():
            registry.close()

    app = FastAPI(title="debtreg", version="1", description=__doc__, lifespan=lifespan)

    @app.exception_handler(RegistryError)
    def refused(_: Request, error: RegistryError) -> JSONResponse:
        return problem(STATUS.get(type(error), 422), error)

    @app.exception_handler(SQLAlchemyError)
    def database(_: Request, error: SQLAlchemyError) -> JSONResponse:
        message = store_said(error, url).strip().splitlines()[0]
        status = 403 if "permission denied" in message or "readonly" in message else 503
        return problem(status, title="the store refused the request", detail=f"{shown_url(url)}: {message}", kind="StoreRefused")

    @app.exception_handler(ValidationError)
    def malformed(_: Request, error: ValidationError) -> JSONResponse:
        loc, message = described(error)
        return problem(422, detail=f"{'.'.join(map(str, loc))}: {message}")  # one title for the type, as RFC 9457 asks

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        """What the web framework refuses itself (no such path or method, a body it cannot parse): a problem too,
        saying what there is instead; a method refused keeps the ``Allow`` header HTTP requires of it."""
        phrase = HTTPStatus(error.status_code).phrase
        detail = str(error.detail)
        if detail == phrase and error.status_code == 404:
            detail = f"there is no {request.url.path}: the API's paths are listed at /docs (OpenAPI: /openapi.json)"
        elif detail == phrase and error.status_code == 405 and (allowed := (error.headers or {}).get("Allow")):
            detail = f"{request.method} is not allowed on {request.url.path}: it takes {allowed}"
        response = problem(error.status_code, title=phrase.lower(), detail=detail, kind=phrase.title().replace(" ", ""))
        response.headers.update(error.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    def bad_request(_: Request, error: Exception) -> JSONResponse:
        first = error.errors()[0]  # type: ignore[attr-defined]
        where = ".".join(str(p) for p in first["loc"][1:]) or "request"
        message = (descriptions.WHOLE_NUMBER if first["type"] == "int_parsing" else
                   f"{first['input']!r} is neither true nor false" if first["type"] == "bool_parsing" else first["msg"])
        detail = body_problem(first) if first["loc"][:1] == ("body",) else f"{where}: {message}"
        return problem(422, title="the request is malformed", detail=detail)

    def identity(authorization: Annotated[str | None, Header()] = None,
                 debtreg_token: Annotated[str | None, Cookie()] = None) -> Signer:
        token = (authorization or "").removeprefix("Bearer ").strip() or (debtreg_token or "")
        found = tokens.get(token)
        if found is None:
            raise Unauthenticated("no identity this server acts for has that token" if token else "no bearer token given")
        return found

    @contextmanager
    def reading(signer: Signer) -> Iterator[Queries]:
        with lock:
            reader.ledger.require(signer, ROLES, "read")  # its role now: a revocation takes effect at once
            yield Queries(reader)

    Who = Annotated[Signer, Depends(identity)]

    required: dict[str, set[str]] = {}  # by path: the parameters the OpenAPI document says a view requires

    def view(path: str, call: Callable[..., Any], summary: str, *taken: str, needs: Sequence[str] | None = None,
             described: dict[str, str] | None = None, files: bool = False) -> None:
        """A GET of one query, its JSON the CLI's ``--format json`` (or, ``files``, the file it answers), taking the
        query parameters ``taken`` (of ``PARAMETERS``, ``described`` in words of the view's own where its option's help
        differs) and refusing any other: the OpenAPI document lists those alone, those it ``needs`` as required (by
        default ``as_of``, if taken; the view refuses a request without them in the registry's words, as the command
        line refuses a missing option). A path's parameters other than ``{key}`` (described in ``described``) are
        handed to ``call`` with the query's."""
        meaning = {name: (described or {}).get(name, PARAMETERS[name][1]) for name in taken}
        needs = ("as_of",) if needs is None and "as_of" in taken else needs or ()
        in_path = [name for name in re.findall(r"{(\w+)}", path) if name != "key"]

        def endpoint(request: Request, signer: Who, key: str | None = None, **given: str | None) -> Any:
            refuse_unknown(list(request.query_params), taken)
            params = {name: given[argument(name)] for name in taken if given[argument(name)] is not None and name != "known_at"}
            params.update((name, given[name]) for name in in_path)
            for name in (n for n in needs if n != "as_of"):  # (``as_of``: refused as every date given is)
                if params.get(name) in (None, ""):
                    raise InvalidCommand(f"{name}: is required: {descriptions.within(meaning[name])}")
            moment = known_at_of(given.get("known_at"), "known_at")
            with reading(signer) as queries:
                found = call(queries, key, params, moment)
            return found if isinstance(found, Response) else plain(found)  # a file, or JSON

        keyed = [Parameter("key", Parameter.KEYWORD_ONLY, annotation=Annotated[str, Path(description=(
            "An event, as history names it, e.g. barnes-1995:21" if path.startswith("/events") else
            "The agreement's id, e.g. barnes-1995"))])] if "{key}" in path else []
        endpoint.__signature__ = Signature([  # type: ignore[attr-defined] - what FastAPI reads the parameters from
            Parameter("request", Parameter.KEYWORD_ONLY, annotation=Request),
            Parameter("signer", Parameter.KEYWORD_ONLY, annotation=Who), *keyed,
            *(Parameter(name, Parameter.KEYWORD_ONLY, annotation=Annotated[str, Path(description=(described or {})[name])])
              for name in in_path),
            *(Parameter(argument(name), Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
                PARAMETERS[name][0] | None, Query(alias=name, description=meaning[name])])
              for name in taken)])
        app.add_api_route(path, endpoint, methods=["GET"], summary=summary, **({"response_class": Response} if files else {}))
        required[path] = set(needs)

    def as_of(params: dict) -> date:
        return parsed_date(params.get("as_of"), "as_of")

    dated = ("as_of", "known_at")
    view("/agreements", lambda q, _k, _p, _m: q.agreements(), "Every agreement on the registry")
    view("/holders", lambda q, _k, p, m: q.holders(as_of(p), m, holder=holder_text(p.get("holder"), "holder")),
         "Every holder's positions as of a date (or one holder's)", "as_of", "holder", "known_at")
    for name in ("register", "annex1", "outstanding", "status", "accrued", "guaranties"):
        view(f"/agreements/{{key}}/{name}", lambda q, k, p, m, name=name: getattr(q, name)(k, as_of(p), m),
             f"{name} as of a date (as known at a time)", *dated)
    view("/agreements/{key}/schedule", lambda q, k, p, m: q.schedule(k, as_of(p), p.get("series"), m),
         "The payment schedule", "as_of", "series", "known_at")

    window = {"from": descriptions.DUE_FROM, "to": descriptions.DUE_TO, "as_of": descriptions.STATUS_AS_OF}

    def due_window(since: str | None, until: str | None, as_of: str | None) -> tuple[date, date, date]:
        """The calendar's window, both ends required, and the date of its status (today unless given): for the view,
        its files and the page alike."""
        start, end = date_range(since, until)
        for name, given in (("from", start), ("to", end)):
            if given is None:
                raise InvalidCommand(f"{name}: is required: {descriptions.within(window[name])}")
        assert start is not None and end is not None
        return start, end, parsed_date(as_of, "as_of") if as_of else date.today()

    def due(queries: Queries, _key: None, params: dict, moment: KnownAt) -> Any:
        return queries.due(*due_window(params.get("from"), params.get("to"), params.get("as_of")), moment)

    view("/due", due, "Every payment due between two dates across the registry, with its status as of a date (default"
         " today)", "from", "to", "as_of", "known_at", needs=("from", "to"), described=window)

    def due_file(queries: Queries, _key: None, params: dict, moment: KnownAt) -> Response:
        """The calendar as the CLI's ``due --format csv`` writes it, or as an Excel file with its total and notes."""
        kind = {"due.csv": "csv", "due.xlsx": "xlsx"}.get(params["name"])
        if kind is None:
            raise InvalidCommand(f"{params['name']}: the payments due are at /due/exports/due.csv (or .xlsx)")
        found = due(queries, None, params, moment)
        content = exports.as_file(exports.due_sheet(found), kind, exports.known_suffix(queries, moment)).content
        response = attachment(content, exports.KINDS[kind], f"due-{found.start}-{found.end}.{kind}")
        if kind == "csv":
            described_by(response, "/due", params, ("from", "to", "as_of"), moment)
        return response

    view("/due/exports/{name}", due_file, "The payments due between two dates as a file: CSV or Excel", "from", "to",
         "as_of", "known_at", needs=("from", "to"), files=True, described={**window, "name": "due.csv or due.xlsx"})
    view("/agreements/{key}/terms", lambda q, k, _p, m: q.terms(k, m), "The terms on file", "known_at")
    view("/agreements/{key}/amendments", lambda q, k, _p, m: q.amendments(k, m), "Amendments and their status", "known_at")

    def history(queries: Queries, key: str, params: dict, moment: KnownAt) -> list:
        since, until = date_range(params.get("from"), params.get("to"))
        return queries.history(key, moment, since=since, until=until, kinds=params.get("kind", ()),
                               holder=holder_text(params.get("holder"), "holder"), note=params.get("note"))

    view("/agreements/{key}/history", history, "Every event, with both clocks and evidence (or those of some dates,"
         " kinds, holder or note)", "from", "to", "kind", "holder", "note", "known_at")
    view("/agreements/{key}/text", lambda q, k, p, m: q.text(k, as_of(p), p.get("section"), m), "The text as of a date",
         "as_of", "section", "known_at")

    def redline(queries: Queries, key: str, params: dict, moment: KnownAt) -> Any:
        since, until = date_range(params["from"], params["to"])
        return queries.redline(key, since, until, params.get("section"), moment)

    compared = {"from": descriptions.EARLIER, "to": descriptions.LATER, "section": descriptions.ONE_PROVISION}
    view("/agreements/{key}/redline", redline, "Word-level changes to the text between two dates", "from", "to", "section",
         "known_at", needs=("from", "to"), described=compared)

    def redline_file(kind: str) -> Callable[..., Response]:
        """The redline as the CLI's ``redline --format docx|html`` writes it, to download."""
        def call(queries: Queries, key: str, params: dict, moment: KnownAt) -> Response:
            found = redline(queries, key, params, moment)
            return attachment(exports.redline_file(found, kind, known_at_said(queries, moment)), exports.REDLINE_FILES[kind],
                              f"{key}-redline-{found.start}-{found.end}.{kind}")
        return call

    for kind in exports.REDLINE_FILES:
        view(f"/agreements/{{key}}/redline.{kind}", redline_file(kind), f"The redline as a file ({'Word' if kind == 'docx' else 'HTML'})",
             "from", "to", "section", "known_at", needs=("from", "to"), described=compared, files=True)
    view("/agreements/{key}/consents", lambda q, k, p, m: q.consents(k, p["amendment"], m),
         "Who consented to an amendment, with what principal, against its threshold", "amendment", "known_at",
         needs=("amendment",))
    view("/agreements/{key}/head", lambda q, k, _p, _m: q.head(k), "The latest signed tree head, with its signer's registration")
    view("/agreements/{key}/consistency", lambda q, k, p, _m: q.consistency(k, p["from_size"], p.get("to_size")),
         "A consistency proof between two signed heads", "from_size", "to_size", needs=("from_size",))
    view("/events/{key}/proof", lambda q, k, p, _m: q.proof(k, p.get("size")), "An inclusion proof of one event", "size")

    def makewhole(queries: Queries, key: str, params: dict, _moment: KnownAt) -> Any:
        """A quote, read as the prepayment entry it would be (each parameter one of its fields); records nothing."""
        given = PrepaymentEntry.model_validate({"type": "prepayment", "kind": "optional", "evidence": {"document": "quote"}, **params})
        return queries.makewhole(key, given.effective_on, given.amount, given.treasury_curve, given.series)

    view("/agreements/{key}/makewhole", makewhole, "Quote an optional prepayment with its make-whole amount; records nothing",
         "effective_on", "amount", "treasury_curve", "series", needs=("effective_on", "amount", "treasury_curve"))

    def export(queries: Queries, key: str, params: dict, moment: KnownAt) -> Response:
        """As the command line's ``export`` writes it, refused in the same words (naming the parameters)."""
        name = params["name"]
        shown, _, kind = name.partition(".")
        if shown not in exports.VIEWS or kind not in exports.KINDS:
            raise InvalidCommand(f"{name}: name a view and a file, e.g. annex1.docx: {', '.join(exports.VIEWS)} as .csv or"
                                 " .xlsx, annex1 as .docx too, outstanding as .svg or .png too")
        if (shown == "holders") != (key is None):
            raise InvalidCommand(f"{name}: " + ("the holders of every agreement are at /holders/exports/holders.csv (or .xlsx)"
                                                if key else "only the holders are of every agreement; ask"
                                                f" /agreements/{{key}}/exports/{name} for one agreement's {shown}"))
        problem = exports.export_problem(shown, kind, bool(params.get("as_of")), "known_at")
        if problem:
            raise InvalidCommand(f"{name if problem[0] == 'kind' else problem[0]}: {problem[1]}")
        by = params.get("by")
        if by not in (None, "note", "holder"):
            raise InvalidCommand(f"by: {by!r} is neither note nor holder: {descriptions.within(descriptions.BY)}")
        on = as_of(params) if params.get("as_of") else None
        content = exports.exported(queries, shown, key or "", kind, on, moment, by or "holder").content
        found = attachment(content, exports.KINDS[kind], f"{key + '-' if key else ''}{shown}{f'-{on}' if on else ''}.{kind}")
        if kind == "csv":
            described_by(found, f"/agreements/{quote(key)}/{shown}" if key else "/holders", params, ("as_of",), moment)
        return found

    view("/agreements/{key}/exports/{name}", export, "A view as a file: CSV, Excel, Word (annex1), SVG or PNG (outstanding)",
         "as_of", "by", "known_at", needs=(), files=True, described={"name": (
             f"The view and the file, e.g. annex1.docx: {', '.join(v for v in exports.VIEWS if v != 'holders')} as"
             f" {', '.join('.' + k for k in exports.KINDS)}")})
    view("/holders/exports/{name}", export, "Every holder's positions as a file: CSV or Excel", "as_of", "known_at",
         needs=(), files=True, described={"name": "holders.csv or holders.xlsx"})
    view("/events/{key}", lambda q, k, _p, _m: q.event(k), "One event in full (e.g. barnes-1995:21)")
    view("/verify", lambda q, _k, _p, _m: q.verify(), "The whole log checked in one snapshot")
    view("/digest", lambda q, _k, _p, _m: q.verify().head, "The registry head to keep")

    framework_document = app.openapi

    def document() -> dict[str, Any]:
        """FastAPI's OpenAPI document, with the parameters each view requires (``required``): optional to the framework,
        so that a request without one is refused in the registry's words, as the command line's ``--as-of`` is."""
        found = framework_document()
        for path, operations in found["paths"].items():
            for parameter in (p for operation in operations.values() for p in operation.get("parameters", [])):
                if parameter["name"] in required.get(path, ()) and parameter["in"] == "query":
                    parameter["required"] = True
        return found

    app.openapi = document  # type: ignore[method-assign] - FastAPI's way to extend its document

    def page(render: Callable[[Queries], str], request: Request) -> HTMLResponse:
        """An HTML page for a signed-in browser; a refusal is a page too, never a traceback."""
        try:
            signer = identity(None, request.cookies.get(COOKIE))
        except Unauthenticated:
            return RedirectResponse("/login", status_code=303)  # type: ignore[return-value]
        try:
            with reading(signer) as queries:
                return HTMLResponse(render(queries))
        except RegistryError as error:
            status = STATUS.get(type(error), 422)
            return HTMLResponse(pages.error_page(str(error), status), status_code=status)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/page", status_code=303)

    @app.get("/login", include_in_schema=False)
    def login_form() -> HTMLResponse:
        return HTMLResponse(pages.login_page())

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        token = parse_qs((await request.body()).decode("utf-8", "replace")).get("token", [""])[0].strip()
        if token not in tokens:
            return HTMLResponse(pages.login_page("that token is not one this server accepts"), status_code=401)
        response = RedirectResponse("/page", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/page", include_in_schema=False)
    def agreement_page(request: Request, key: str | None = None, as_of: str | None = None, known_at: str = "",
                       since: str | None = None) -> HTMLResponse:
        def render(queries: Queries) -> str:
            refuse_unknown(list(request.query_params), ("key", "as_of", "known_at", "since"))
            if not key:
                return pages.home_page(queries, as_of or "", known_at, date.today())
            moment = known_at_of(known_at or None, "known_at")
            return pages.agreement_page(queries, key, parsed_date(as_of, "as_of"), moment, known_at,
                                        parsed_date(since, "since") if since else None)

        return page(render, request)

    @app.get("/page/holders", include_in_schema=False)
    def holders_page(request: Request, as_of: str | None = None, known_at: str = "") -> HTMLResponse:
        def render(queries: Queries) -> str:
            refuse_unknown(list(request.query_params), ("as_of", "known_at"))
            return pages.holders_page(queries, parsed_date(as_of, "as_of"), known_at_of(known_at or None, "known_at"), known_at)

        return page(render, request)

    @app.get("/page/due", include_in_schema=False)
    def due_page(request: Request, to: str | None = None, as_of: str | None = None, known_at: str = "") -> HTMLResponse:
        def render(queries: Queries) -> str:
            refuse_unknown(list(request.query_params), ("from", "to", "as_of", "known_at"))
            start, end, on = due_window(request.query_params.get("from"), to, as_of)
            return pages.due_page(queries, start, end, on, known_at_of(known_at or None, "known_at"), known_at)

        return page(render, request)

    @app.get("/page/event/{ref}", include_in_schema=False)
    def event_page(request: Request, ref: str) -> HTMLResponse:
        return page(lambda queries: pages.event_page(queries, ref), request)

    @app.post("/agreements/{key}/entries", status_code=201, summary="Record one journal entry")
    def record(key: str, body: dict, authorization: Annotated[str | None, Header()] = None,
               idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
               dry_run: Annotated[bool, Query(description="Decide the entry and answer what it would record (200); "
                                                          "record nothing. Any identity that may read may ask.")] = False) -> Any:
        signer = identity(authorization, None)  # a bearer token only: the page's cookie never records
        ask = "give each request an id; sending it again records nothing twice"
        if not idempotency_key and not dry_run:
            raise InvalidCommand(f"Idempotency-Key: {ask}")
        request_id = given_text(idempotency_key, "Idempotency-Key", ask) if idempotency_key else None
        entry = ENTRIES.validate_python(body)
        if isinstance(entry, TextEntry):
            raise NotAllowed("a text entry names a file: an administrator loads it with its journal (debtreg load)")
        if dry_run:
            with reading(signer) as queries:
                staged = queries.registry.preview(key, entry, request_id=request_id and f"api/{request_id}")
                previewed = Previewed.of(staged, queries.named_on)
            return JSONResponse(plain(previewed), status_code=200)
        with lock:
            reader.ledger.require(signer, (ADMINISTRATOR,) if entry.command(key).creates else RECORDERS, "record this")
            registry = writers.get(signer.public_key)
            if registry is None:
                registry = writers[signer.public_key] = Registry(url, identity=signer)
            staged = registry.record(key, entry, request_id=f"api/{request_id}", source="api")
            result = Recorded.of(staged, Queries(reader).named_on)  # (the reader, under the lock, names the payees)
        return JSONResponse(plain(result), status_code=200 if staged.earlier else 201)

    return app

