"""``handouts desk``: the front desk web application (Starlette, served by uvicorn).

Every request passes, in this order: the Host header must name this server
(``serve.server.host_allowed``: DNS rebinding gets 421); security headers go on every
answer (a Content-Security-Policy with no inline script or style, no framing, no
referrer); then every page and every file needs a live session, else the sign-in page
and nothing of any handout. A POST must carry the session's CSRF token or changes
nothing. Email goes through ``mail/deliver.email_handout``, exactly the code of
``handouts email``, and its refusals are shown in the same words; an email that was not
sent records nothing. Print goes through ``printing/send.print_handouts``, exactly the code
of ``handouts print`` (the forms are checked in ``desk/printform.py``: a printer not in
``[printers]`` is refused); a print that failed records nothing. One hand-out (email or
print) runs at a time, since each starts with a build.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.catalogue.entries import rack_packs, read_sidecar, settings_for
from clinic_handouts.catalogue.page import CatalogueEntry, External, render_catalogue
from clinic_handouts.catalogue.search import library_script
from clinic_handouts.desk import printform
from clinic_handouts.desk.pages import DESK_CSS, account_bar, render
from clinic_handouts.desk.printform import HandingOut
from clinic_handouts.desk.store import Record, Session, Store
from clinic_handouts.errors import HandoutError
from clinic_handouts.mail.sendlog import SendLog, read_or_create_salt
from clinic_handouts.printing.racks import rack_files
from clinic_handouts.printing.send import MAX_COPIES, Printed, PrintRequest
from clinic_handouts.project.config import ProjectConfig, load_config
from clinic_handouts.project.load import Project, load_project
from clinic_handouts.project.theme import Theme
from clinic_handouts.serve.server import IMAGES, PDFS, host_allowed, servable

if TYPE_CHECKING:  # email's modules load on the first email, not at start-up
    from clinic_handouts.mail.deliver import EmailResult, Given

COOKIE = "desk_session"
SIGNIN_COOKIE = "desk_signin"  # double-submit token of the sign-in form
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
Clock = Callable[[], float]


@dataclass
class Desk:
    """One running front desk (``handouts desk``, made by desk/run.py): the project it
    serves, where it listens, its clock and its account and record store."""

    root: Path
    host: str
    port: int
    tls: bool
    clock: Clock = time.time
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    today: Callable[[], dt.date] = dt.date.today
    # Host names staff may reach the desk by besides its address (--allowed-host): the
    # name of the TLS proxy in front of it, or of its certificate.
    allowed_hosts: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.config: ProjectConfig = load_config(self.root)
        self.store = Store(self.root)
        self.salt = read_or_create_salt(self.root)
        self.handing_out = HandingOut()

    @property
    def printers(self) -> list[str]:
        """The printers staff may choose: exactly those of [printers] in handouts.toml."""
        return sorted(self.config.printers)

    def racks(self) -> list[str]:
        """The racks ``handouts print --rack`` offers: racks/<name>.toml."""
        return [path.stem for path in rack_files(self.root)]

    @property
    def idle_seconds(self) -> float:
        return self.config.desk_idle_minutes * 60.0

    def theme(self) -> Theme:
        return Theme(
            template_dirs=(self.config.templates_dir, bundled_theme_dir() / "templates"),
            style_dirs=(self.config.styles_dir, bundled_theme_dir() / "styles"),
        )

    def entries(self) -> list[CatalogueEntry]:
        return read_sidecar(self.config.build_dir)

    def load(self, today: dt.date) -> Project:
        """The project as its files are now, for one email or print: loaded in that
        hand-out's turn and passed to it, so an edit saved while the desk runs is what the
        next patient gets (handouts.toml's desk settings stay those read at start)."""
        return load_project(self.root, today)


def static(name: str) -> str:
    """The address of one of the desk's own files (stylesheets and scripts): the same
    for the route that serves them, the catalogue page and the sign-in guard."""
    return f"/static/{name}"


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _session(request: Request) -> Session | None:
    return getattr(request.state, "session", None)


class _Guard(BaseHTTPMiddleware):
    def __init__(self, app: Any, desk: Desk) -> None:
        super().__init__(app)
        self.desk = desk

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        desk = self.desk
        if not host_allowed(request.headers.get("host"), desk.host, desk.port, desk.allowed_hosts):
            return _headers(Response("Wrong host name.", status_code=421), desk)
        request.state.session = None
        cookie = request.cookies.get(COOKIE, "")
        if cookie:
            request.state.session = desk.store.session(cookie, desk.clock(), desk.idle_seconds)
        open_paths = ("/signin", static("catalogue.css"), static("desk.css"))
        if request.state.session is None and request.url.path not in open_paths:
            response = _signin_page(desk, "")
        else:
            response = await call_next(request)
        return _headers(response, desk)


def _headers(response: Response, desk: Desk) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"  # a shared computer's back button
    if desk.tls:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _signin_page(desk: Desk, message: str, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    page = render(
        "signin.html",
        title="Sign in",
        clinic=desk.config.clinic.name,
        message=message,
        signin_csrf=token,
        user=None,
    )
    response = HTMLResponse(page, status_code=status)
    response.set_cookie(
        SIGNIN_COOKIE, token, httponly=True, samesite="strict", secure=desk.tls, path="/signin"
    )
    return response


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


FormHandler = Callable[[Request, Mapping[str, str], Session], Awaitable[Response]]


def _csrf_checked(handler: FormHandler) -> Callable[[Request], Awaitable[Response]]:
    """A POST route that runs ``handler`` only for a live session whose form carries that
    session's CSRF token; any other post changes nothing (403)."""

    async def checked(request: Request) -> Response:
        form = await _form(request)
        session = _session(request)
        if session is None or not _same(form.get("csrf", ""), session.csrf):
            return Response("The form was out of date: nothing was done.", status_code=403)
        return await handler(request, form, session)

    return checked


def build_app(desk: Desk) -> Starlette:
    async def signin(request: Request) -> Response:
        if request.method == "GET":
            if _session(request):
                return RedirectResponse("/", status_code=303)
            return _signin_page(desk, "")
        form = await _form(request)
        if not _same(form.get("csrf", ""), request.cookies.get(SIGNIN_COOKIE, "")):
            return _signin_page(desk, "The form was out of date. Please sign in again.", 400)
        name = form.get("username", "").strip()
        address = request.client.host if request.client else ""
        keys = (f"user:{name.casefold()}", f"address:{address}")
        now = desk.clock()
        if desk.store.throttled(keys, now):
            return _signin_page(
                desk,
                "Too many wrong passwords. Wait 15 minutes, then try again, or ask an "
                "administrator to set a new password.",
                429,
            )
        role = desk.store.check_password(name, form.get("password", ""))
        if role is None:
            desk.store.failed(keys, now)
            return _signin_page(desk, "That username and password do not match.", 401)
        old = request.cookies.get(COOKIE)
        if old:
            desk.store.end_session(old)
        session_id = desk.store.new_session(name, now)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", secure=desk.tls)
        response.delete_cookie(SIGNIN_COOKIE, path="/signin")
        return response

    async def signout(request: Request, form: Mapping[str, str], session: Session) -> Response:
        desk.store.end_session(request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    def catalogue(request: Request) -> Response:
        session = _session(request)
        assert session is not None  # the guard answers every request without one
        config = desk.config
        settings = settings_for(config, desk.today())
        html = render_catalogue(
            desk.theme(),
            settings,
            desk.entries(),
            External(
                stylesheet=static("catalogue.css"),
                library=static("minisearch.js"),
                script=static("catalogue.js"),
                files="/files/",
                handout="/handout/",
                extra_stylesheet=static("desk.css"),
                account=account_bar(session.user, session.csrf, session.role == "admin"),
            ),
        )
        return HTMLResponse(html)

    def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        theme = desk.theme()
        if name == "catalogue.css":
            brand = f":root {{ --brand: {desk.config.brand.color}; --on-brand: #ffffff; }}\n"
            css = brand + theme.style("catalogue.css").read_text(encoding="utf-8")
            return Response(css, media_type="text/css")
        if name == "desk.css":
            return Response(DESK_CSS, media_type="text/css")
        if name == "minisearch.js":
            return Response(library_script(), media_type="text/javascript")
        if name == "catalogue.js":
            env_loader = theme.template_dirs
            for folder in env_loader:
                if (folder / "catalogue.js").is_file():
                    return FileResponse(folder / "catalogue.js", media_type="text/javascript")
        return Response("Not found.", status_code=404)

    def files(request: Request) -> Response:
        found = servable(desk.config.build_dir, request.path_params["path"], PDFS | IMAGES)
        if found is None:
            return Response("Not found.", status_code=404)
        return FileResponse(found[0], media_type=found[1])

    def _staff_page(
        template: str,
        title: str,
        session: Session,
        message: Sequence[str] = (),
        kind: str = "",
        status: int = 200,
        **values: Any,
    ) -> Response:
        """A page of the signed-in desk: the masthead names the user and carries the
        session's CSRF token for Sign out (the record link shows only to an admin); the
        printers and copies its Print forms offer; what the last form did (``message``,
        ``kind``)."""
        page = render(
            template,
            title=title,
            clinic=desk.config.clinic.name,
            user=session.user,
            admin=session.role == "admin",
            csrf=session.csrf,
            printers=desk.printers,
            max_copies=MAX_COPIES,
            message=message,
            kind=kind,
            **values,
        )
        return HTMLResponse(page, status_code=status)

    def _entry(lang: str, handout_id: str) -> CatalogueEntry | None:
        return next((e for e in desk.entries() if e.lang == lang and e.id == handout_id), None)

    def handout_page(
        request: Request, message: Sequence[str] = (), kind: str = "", status: int = 200
    ) -> Response:
        session = _session(request)
        assert session is not None
        entry = _entry(request.path_params["lang"], request.path_params["id"])
        if entry is None:
            return Response("No such handout.", status_code=404)
        settings = settings_for(desk.config, desk.today())
        langs = sorted({e.lang for e in desk.entries() if e.id == entry.id})
        languages = [(code, settings.lang_names.get(code, code)) for code in langs]
        return _staff_page(
            "handout.html",
            entry.title,
            session,
            message,
            kind,
            status,
            entry=entry,
            languages=languages,
        )

    def handout(request: Request) -> Response:
        return handout_page(request)

    async def email(request: Request, form: Mapping[str, str], session: Session) -> Response:
        if not desk.store.take_send(session.user, desk.clock(), desk.config.desk_emails_per_hour):
            return handout_page(
                request,
                [
                    f"Not sent: you have sent {desk.config.desk_emails_per_hour} emails in the "
                    "last hour, the most the clinic allows. Wait, or ask an administrator."
                ],
                "refused",
                429,
            )
        from starlette.concurrency import run_in_threadpool

        from clinic_handouts.mail.deliver import EmailRequest, check_request, email_handout

        lang = form.get("lang") or request.path_params["lang"]
        email_request = EmailRequest(
            request.path_params["id"],
            (form.get("to", ""),),
            lang,
            large_print=form.get("edition") == "large-print",
        )
        today = desk.today()
        project = functools.cache(lambda: desk.load(today))  # once, even if the turn waits

        def hand_out() -> EmailResult:
            check_request(email_request, desk.root, desk.environ)  # what was typed, first
            return email_handout(project(), email_request, today=today, environ=desk.environ)

        try:
            result = await run_in_threadpool(desk.handing_out.run, hand_out)
        except HandoutError as exc:
            lines = [p.message for p in exc.problems]
            return handout_page(request, ["Not sent. Nothing was recorded.", *lines], "refused")
        assert result.given is not None
        _record(
            session,
            result.given,
            "email",
            1,
            SendLog(Path(), desk.salt).address_hash(form.get("to", "")),
            form.get("teach_back") == "yes",
        )
        return handout_page(request, [result.text], "sent")

    async def print_handout(
        request: Request, form: Mapping[str, str], session: Session
    ) -> Response:
        entry = _entry(request.path_params["lang"], request.path_params["id"])
        if entry is None:
            return Response("No such handout.", status_code=404)
        asked = printform.handout_request(
            form,
            entry.id,
            entry.lang,
            desk.printers,
            [f.variant for f in entry.files],
        )
        outcome = await _print(asked, session, "print", form.get("teach_back") == "yes")
        return handout_page(request, outcome.lines, outcome.kind)

    async def _print(
        asked: PrintRequest | printform.Outcome, session: Session, channel: str, teach: bool
    ) -> printform.Outcome:
        """Print (in a worker thread: it builds and talks to CUPS) and record what came
        out; a refusal records nothing."""
        from starlette.concurrency import run_in_threadpool

        if isinstance(asked, printform.Outcome):
            return asked
        today = desk.today()
        outcome = await run_in_threadpool(
            lambda: printform.print_now(
                lambda: desk.load(today),
                asked,
                desk.handing_out,
                today=today,
                environ=desk.environ,
            )
        )
        for printed in outcome.given:
            _record(session, printed, channel, printed.copies, "", teach)
        return outcome

    def _record(
        session: Session,
        given: Given | Printed,
        channel: str,
        copies: int,
        address_hash: str,
        teach: bool,
    ) -> None:
        """One line of the education record: the version handed out, by whom, how."""
        desk.store.add_record(
            Record(
                time=_utc(desk.clock()),
                user=session.user,
                handout=given.handout,
                lang=given.lang,
                edition=given.variant,
                reviewed_on=given.reviewed_on.isoformat(),
                pdf_sha256=given.pdf_sha256,
                channel=channel,
                copies=copies,
                address_hash=address_hash,
                teach_back=teach,
            )
        )

    def racks_page(
        request: Request, message: Sequence[str] = (), kind: str = "", status: int = 200
    ) -> Response:
        session = _session(request)
        assert session is not None
        packs = {pack.name: pack for pack in rack_packs(desk.config.build_dir)}
        racks = [(name, packs.get(name)) for name in desk.racks()]
        return _staff_page(
            "racks.html", "Restock a rack", session, message, kind, status, racks=racks
        )

    def racks(request: Request) -> Response:
        return racks_page(request)

    async def print_rack(request: Request, form: Mapping[str, str], session: Session) -> Response:
        asked = printform.rack_request(
            form, request.path_params["name"], desk.printers, desk.racks()
        )
        outcome = await _print(asked, session, "rack", False)
        return racks_page(request, outcome.lines, outcome.kind)

    def records(request: Request) -> Response:
        session = _session(request)
        assert session is not None
        if session.role != "admin":
            return Response("Only an administrator can see the record.", status_code=403)
        return _staff_page(
            "records.html", "Education record", session, records=desk.store.records()
        )

    routes = [
        Route("/signin", signin, methods=["GET", "POST"]),
        Route("/signout", _csrf_checked(signout), methods=["POST"]),
        Route("/", catalogue),
        Route(static("{name}"), static_file),
        Route("/files/{path:path}", files),
        Route("/handout/{lang}/{id}", handout),
        Route("/handout/{lang}/{id}/email", _csrf_checked(email), methods=["POST"]),
        Route("/handout/{lang}/{id}/print", _csrf_checked(print_handout), methods=["POST"]),
        Route("/racks", racks),
        Route("/racks/{name}/print", _csrf_checked(print_rack), methods=["POST"]),
        Route("/records", records),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_Guard, desk=desk)])
