"""People: an admin manages everyone, a coordinator the people of the countries they coordinate (giving roles
up to their own there, taking those below). Invite by e-mail (the one-time link e-mailed, or shown once in the
next page's notice when no e-mail server is set up: the form answers with a redirect, so reloading never
invites twice), or give an account that has the address the role instead; give and take roles, disable and
enable accounts, withdraw an invitation; a person's page lists every change to their account. The link
(/invitations/{token}, on CER_PUBLIC_URL when set) makes the account and signs in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from cer.runtime import notify
from cer.services import invitations, people
from cer.services.access import Principal
from cer.services.errors import Conflict, InvalidFields
from cer.services.invitations import HasAccount, Invitation, Invited, Mailer, suggested_username
from cer.services.throttle import Throttled
from cer.views import render_people as people_words
from cer.views.error_words import by_field_in, in_words
from cer.views.formats import format_datetime
from cer.views.render_people import email as invitation_email
from cer.web.deps import DB, CurrentUser, MaybeUser, RowId, language, settings
from cer.web.notices import redirect_with_notice
from cer.web.pages.account import client_address, signed_in
from cer.web.templating import render, tr
from workstreams.errors import N_

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
Username = Annotated[str, Path(max_length=60)]
Text = Annotated[str, Form(max_length=300)]
CountryField = Annotated[str, Form(max_length=80)]
RoleField = Annotated[str, Form(max_length=20)]
WELCOME = N_("Welcome, %(name)s: your account %(username)s is ready, with the %(role)s role in %(country)s.")
MAILED = N_("%(name)s is invited: an e-mail with a one-time link was sent to %(email)s.")
SHOWN_ONCE = N_(
    "%(name)s is invited, but no e-mail was sent: this site has no e-mail server set up (CER_SMTP_HOST). "
    "Send %(email)s this one-time link yourself; it is shown only this once and works once, until "
    "%(expires)s (UTC): %(link)s"
)


def _words(request: Request) -> dict[str, Any]:
    lang = language(request)
    return {
        "role_name": lambda role: people_words.role_name(role, lang),
        "place": lambda code: people_words.place(code, lang),
        "change": lambda entry: people_words.change(entry, lang),
        "state_name": lambda state: tr(request, people_words.STATES[state]),
    }


def _people(request: Request, session: DB, who: Principal, status: int = 200, **shown: Any) -> HTMLResponse:
    """The People page; `shown`: a refusal, the form's values, whether to offer giving the role instead."""
    response = render(
        request, "people.html", status, title=tr(request, "People"),
        people=people.list_people(session=session, who=who),
        invitations=invitations.list_invitations(session=session, who=who),
        scope=people.scope(who), **_words(request), **shown,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"  # a link shown once is not kept anywhere
    return response


@router.get("/people", response_class=HTMLResponse)
def people_page(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """The people one manages, the invitations of one's countries, and the form to invite someone."""
    return _people(request, session, who)


def _link(request: Request, token: str) -> str:
    """The invitation's link: on CER_PUBLIC_URL when set (never on a Host header a client made up)."""
    base = settings(request).public_url or str(request.base_url).rstrip("/")
    return f"{base}/invitations/{token}"


def _mailer(request: Request, who: Principal) -> Mailer:
    """E-mails the link (in the e-mails' language) when an SMTP server is set up."""
    current = settings(request)

    def mail(invitation: Invitation, token: str) -> bool:
        subject, body = invitation_email(invitation, who.name, _link(request, token), current.lang)
        return notify.send_email(invitation.email, subject, body, current)

    return mail


@router.post("/people/invitations", response_class=HTMLResponse)
def invite(
    request: Request, session: DB, who: CurrentUser, name: Text = "", email: Text = "",
    country: CountryField = "", role: RoleField = "", existing: Annotated[str, Form(pattern="^(yes)?$")] = "",
) -> Response:  # fmt: skip
    """Invite someone to a role in a country, then the People page says so (with the link, this once, when it
    was not e-mailed); `existing`: give the account with that address the role instead."""
    form = {"name": name, "email": email, "country": country, "role": role}
    try:
        if existing:
            given = people.give_role_to(session=session, who=who, email=email, country=country, role=role)
            return _role_given(request, given, country, role)
        made = invitations.invite(session=session, who=who, **form, days=settings(request).invitation_days,
                                  mail=_mailer(request, who))  # fmt: skip
    except (InvalidFields, Conflict) as exc:
        return _refused(request, session, who, exc, form)
    return redirect_with_notice(request, "/people", _invited(request, made))


def _invited(request: Request, made: Invited) -> str:
    """What the next page says of an invitation just made: e-mailed, or its link to send, shown this once."""
    found = made.invitation
    if found.emailed:
        return tr(request, MAILED, name=found.name, email=found.email)
    expires = format_datetime(found.expires_at, language(request))
    said = {"name": found.name, "email": found.email, "expires": expires, "link": _link(request, made.token)}
    return tr(request, SHOWN_ONCE, **said)


def _refused(
    request: Request, session: DB, who: Principal, exc: Exception, form: dict[str, str]
) -> HTMLResponse:
    lang = language(request)
    errors = by_field_in(exc, lang) if isinstance(exc, InvalidFields) else {None: in_words(exc, lang)}
    status, offer = 409 if isinstance(exc, Conflict) else 422, isinstance(exc, HasAccount)
    return _people(request, session, who, status, errors=errors, form=form, offer=offer)


@router.post("/people/invitations/{invitation_id}/revoke")
def revoke_invitation(request: Request, invitation_id: RowId, session: DB, who: CurrentUser) -> Response:
    """Withdraw an invitation: its link stops working."""
    gone = invitations.revoke_invitation(session=session, who=who, invitation_id=invitation_id)
    text = tr(
        request, "The invitation of %(email)s was withdrawn: its link no longer works.", email=gone.email
    )
    return redirect_with_notice(request, "/people", text)


def _person(
    request: Request, session: DB, who: Principal, username: str, status: int = 200, **shown: Any
) -> HTMLResponse:
    person = people.get_person(session=session, who=who, username=username)
    return render(
        request, "person.html", status, title=person.name, person=person, scope=people.scope(who),
        history=people.history(session=session, who=who, username=username), **_words(request), **shown,
    )  # fmt: skip


@router.get("/people/{username}", response_class=HTMLResponse)
def person_page(request: Request, username: Username, session: DB, who: CurrentUser) -> HTMLResponse:
    """A person: their roles (in one's countries), the forms to change them, and every change made."""
    return _person(request, session, who, username)


@router.post("/people/{username}/roles", response_class=HTMLResponse)
def grant_role(
    request: Request, username: Username, session: DB, who: CurrentUser, country: CountryField = "",
    role: RoleField = "",
) -> Response:  # fmt: skip
    """Give the person a role in a country (replacing the one they had there)."""
    try:
        people.grant_role(session=session, who=who, username=username, country=country, role=role)
    except InvalidFields as exc:
        return _person(request, session, who, username, 422, errors=by_field_in(exc, language(request)))
    return _role_given(request, username, country, role)


def _role_given(request: Request, username: str, country: str, role: str) -> Response:
    """To the person's page, saying the role they have now."""
    said = {"person": username, "role": people_words.role_name(role.strip().lower(), language(request))}
    said["country"] = _place(request, country)
    text = tr(request, "%(person)s has the %(role)s role in %(country)s now.", **said)
    return redirect_with_notice(request, f"/people/{username}", text)


def _place(request: Request, country: str) -> str:
    return people_words.place(country.strip().upper(), language(request))


@router.post("/people/{username}/revoke")
def revoke_role(
    request: Request, username: Username, session: DB, who: CurrentUser, country: CountryField = ""
) -> Response:
    """Take the person's role in a country away."""
    still = people.revoke_role(session=session, who=who, username=username, country=country)
    said = {"person": username, "country": _place(request, country)}
    text = tr(request, "%(person)s no longer has a role in %(country)s.", **said)
    return redirect_with_notice(request, f"/people/{username}" if still else "/people", text)


@router.post("/people/{username}/state")
def set_state(
    request: Request, username: Username, session: DB, who: CurrentUser,
    active: Annotated[str, Form(pattern="^(yes|no)$")] = "no",
) -> Response:  # fmt: skip
    """Disable the account (its sign-ins and tokens stop at once) or enable it again."""
    people.set_active(session=session, who=who, username=username, active=active == "yes")
    if active == "yes":
        text = tr(request, "%(person)s's account is enabled again.", person=username)
    else:
        text = tr(request, "%(person)s's account is disabled: they can no longer sign in.", person=username)
    return redirect_with_notice(request, f"/people/{username}", text)


Token = Annotated[str, Path(min_length=10, max_length=100)]


def _invitation_page(request: Request, status: int = 200, **shown: Any) -> HTMLResponse:
    """The invitation's form, or (without `invitation`) the page saying its link cannot be used."""
    title = tr(request, "Join the CER toolkit") if "invitation" in shown else tr(request, "Invitation link")
    response = render(request, "invitation.html", status, title=title, **_words(request), **shown)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the address holds the token
    return response


def _unusable(request: Request, exc: invitations.Unusable | Throttled) -> HTMLResponse:
    """The same answer for a link unknown, used, expired or withdrawn; why, when its inviter may no longer
    give the role (only the link's holder reads it); or, after too many tries, a wait."""
    if isinstance(exc, invitations.NoLongerValid):
        return _invitation_page(request, 410, reason=in_words(exc, language(request)))
    if not isinstance(exc, Throttled):
        return _invitation_page(request, 410)
    response = _invitation_page(request, 429, wait_minutes=exc.wait // 60 + 1)
    response.headers["Retry-After"] = str(exc.wait)
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, token: Token, session: DB) -> HTMLResponse:
    """The invitation: choose a username (the e-mail's first part to start with) and a password."""
    try:
        found = invitations.open_invitation(session=session, token=token, address=client_address(request))
    except (invitations.Unusable, Throttled) as exc:
        return _unusable(request, exc)
    return _invitation_page(request, invitation=found, username=suggested_username(found.email))


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept_invitation(
    request: Request, token: Token, session: DB, who: MaybeUser,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "", again: Annotated[str, Form(max_length=1000)] = "",
) -> Response:  # fmt: skip
    """Make the account with the invitation's role and sign in (ending the sign-in this browser had); the
    link never works again."""
    try:
        done = _accept(request, session, token, username, password, again)
    except (invitations.Unusable, Throttled) as exc:
        return _unusable(request, exc)
    except (InvalidFields, Conflict) as exc:
        return _form_again(request, session, token, username, exc)
    return _welcome(request, session, done, who)


def _accept(
    request: Request, session: DB, token: str, username: str, password: str, again: str
) -> invitations.Accepted:
    if password != again:
        raise InvalidFields.of("again", N_("the two passwords differ: type the same one twice"))
    return invitations.accept(
        session=session, token=token, username=username, password=password, address=client_address(request),
        hours=settings(request).session_hours,
    )  # fmt: skip


def _form_again(request: Request, session: DB, token: str, username: str, exc: Exception) -> HTMLResponse:
    """The form again with what was wrong (the link stays usable: only a successful one uses it)."""
    found = invitations.open_invitation(session=session, token=token, address=client_address(request))
    lang = language(request)
    errors = by_field_in(exc, lang) if isinstance(exc, InvalidFields) else {"username": in_words(exc, lang)}
    status = 409 if isinstance(exc, Conflict) else 422
    return _invitation_page(request, status, invitation=found, username=username[:60], errors=errors)


def _welcome(request: Request, session: DB, done: invitations.Accepted, before: Principal | None) -> Response:
    """Signed in (cer.web.pages.account.signed_in: the browser's previous sign-in ends), to the country's
    page, welcomed."""
    lang = language(request)
    said = {"name": done.who.name, "username": done.who.username}
    said |= {
        "role": people_words.role_name(done.role, lang),
        "country": people_words.place(done.country, lang),
    }
    landing = f"/countries/{done.country}" if done.has_plan else "/account"
    response = redirect_with_notice(request, landing, tr(request, WELCOME, **said))
    return signed_in(request, session, response, done.session_token, before)
