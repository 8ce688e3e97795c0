"""What the People pages and an invitation's e-mail say: a role's and a country's name, each change to an
account in words, and the invitation's e-mail in the e-mails' language (`CER_LANG`, as reminders are)."""

from __future__ import annotations

from typing import Any

from cer.content.countries import find_country
from cer.services.access import EVERY_COUNTRY, ROLES, Role
from cer.views.formats import format_datetime
from cer.views.i18n import translations
from workstreams.errors import N_

EVERY = N_("every country")
CHANGES = {
    "user_created": N_("created the account"),
    "role_granted": N_("gave the %(role)s role in %(country)s"),
    "role_revoked": N_("took away the %(role)s role in %(country)s"),
    "user_disabled": N_("disabled the account"),
    "user_enabled": N_("enabled the account again"),
    "password_changed": N_("changed the password"),
    "user_agency": N_("set the agency to %(agency)s"),
    "token_created": N_("made an API token"),
    "token_revoked": N_("revoked an API token"),
    "invitation_created": N_("invited %(email)s as %(role)s in %(country)s"),
    "invitation_revoked": N_("withdrew the invitation of %(email)s"),
    "invitation_accepted": N_("accepted the invitation, as %(username)s"),
}
STATES = {
    "waiting": N_("waiting"),
    "accepted": N_("accepted"),
    "expired": N_("expired"),
    "withdrawn": N_("withdrawn"),
    "void": N_("no longer valid"),  # its inviter may no longer give the role: withdraw it, invite again
}


def role_name(role: str, lang: str) -> str:
    return translations(lang).gettext(ROLES[Role[role]]) if role in Role.__members__ else role


def place(code: str | None, lang: str) -> str:
    if not code or code == EVERY_COUNTRY:
        return translations(lang).gettext(EVERY)
    return country_name(code)


def change(entry: Any, lang: str) -> str:
    """An audit entry (cer.services.audit.Entry) about an account, in words."""
    template = CHANGES.get(entry.action)
    if template is None:
        return str(entry.action)
    detail = entry.detail
    values = {
        "role": role_name(str(detail.get("role", "")), lang),
        "country": place(entry.country or detail.get("scope"), lang),
        "agency": detail.get("agency") or "—",
        "email": entry.target,
        "username": detail.get("username", ""),
    }
    return translations(lang).gettext(template) % values


SUBJECT = N_("You are invited to the CER toolkit as %(role)s for %(country)s")
GREETING = N_("Hello %(name)s,")
INVITES = N_(
    "%(inviter)s invites you to the UN Coherence, Effectiveness and Relevance toolkit with the %(role)s "
    "role for %(country)s."
)
OPEN_LINK = N_("Open this link to choose your username and password. It works once, until %(expires)s (UTC):")
NOT_EXPECTED = N_("If you did not expect this invitation, ignore this e-mail: nothing happens without it.")


def country_name(code: str) -> str:
    try:
        return f"{find_country(code).name} ({code})"
    except (LookupError, ValueError):
        return code


def email(invitation: Any, inviter: str, link: str, lang: str) -> tuple[str, str]:
    """The subject and body of the e-mail carrying `invitation`'s (cer.services.invitations.Invitation)
    one-time `link`."""
    t = translations(lang)
    role = t.gettext(ROLES[Role[invitation.role]])
    country = country_name(invitation.country)
    subject = t.gettext(SUBJECT) % {"role": role, "country": country}
    lines = [
        t.gettext(GREETING) % {"name": invitation.name},
        "",
        t.gettext(INVITES) % {"inviter": inviter, "role": role, "country": country},
        "",
        t.gettext(OPEN_LINK) % {"expires": format_datetime(invitation.expires_at, lang)},
        link,
        "",
        t.gettext(NOT_EXPECTED),
    ]
    return subject, "\n".join(lines)
