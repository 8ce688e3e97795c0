"""Accounts, tokens and the audit trail as the command line prints them (text, and JSON for scripts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cer.content import Content
from cer.db.tables import ApiTokenRow, UserRow
from cer.services.audit import Entry
from cer.services.setup import Ready
from cer.services.users import FIRST_ADMIN
from cer.views.i18n import say
from cer.views.render import welcome
from cer.views.render_words import day, moment


def new_user_json(user: UserRow, password: str | None) -> dict[str, Any]:
    return {"username": user.username, "name": user.name, "email": user.email, "password": password}


def new_user_text(user: UserRow, password: str | None) -> str:
    shown = say("Password (shown once): %(password)s", password=password) + "\n" if password else ""
    created = say("Created %(user)s (%(name)s).", user=user.username, name=user.name)
    command = f"cer users grant {user.username} COUNTRY ROLE"
    grant = say("Give them a role: %(command)s", command=command)
    return f"{created}\n{shown}{grant}\n"


def token_rows(tokens: Sequence[tuple[ApiTokenRow, str]]) -> list[dict[str, Any]]:
    """Each token with its owner, first characters, creation, last use and revocation (never the token)."""
    return [
        {
            "id": t.id,
            "username": owner,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t, owner in tokens
    ]


def tokens_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return say("No tokens.") + "\n"
    h = (say("ID"), say("USER"), say("NAME"), say("STARTS"), say("CREATED"), say("STATE"))
    width = max(10, *(len(_day(r["created_at"])) for r in rows))
    lines = [f"{h[0]:>4}  {h[1]:<16} {h[2]:<20} {h[3]:<12} {h[4]:<{width}} {h[5]}"]
    for r in rows:
        state = say("revoked %(day)s", day=_day(r["revoked_at"])) if r["revoked_at"] else say("live")
        lines.append(
            f"{r['id']:>4}  {r['username']:<16} {str(r['name'])[:20]:<20} {r['prefix']:<12} "
            f"{_day(r['created_at']):<{width}} {state}"
        )
    return "\n".join(lines) + "\n"


def audit_text(entries: Sequence[Entry], country: str | None) -> str:
    if not entries:
        if country:
            return say("Nothing recorded for %(country)s.", country=country.upper()) + "\n"
        return say("Nothing recorded.") + "\n"
    lines = []
    for e in entries:
        detail = "; ".join(f"{k}: {v}" for k, v in e.detail.items() if v not in (None, "", [], {}))
        lines.append(f"{moment(e.at)}  {e.actor:<18} {e.action:<17} {e.target}  {detail}".rstrip())
    return "\n".join(lines) + "\n"


def ready_text(content: Content, ready: Ready, password: bool = True) -> str:
    """What `cer up` says before it starts anything: the content, the database, and (`password`) the first
    admin once; starting everything, `running_box` says it last instead."""
    text = welcome(content) + say("Database ready at schema %(schema)s: %(url)s", schema=ready.schema,
                                  url=ready.database) + "\n"  # fmt: skip
    if ready.first_admin_password and password:
        text += say("First admin created: user %(user)s, password (shown once, keep it safe): %(password)s",
                    user=FIRST_ADMIN, password=ready.first_admin_password) + "\n"  # fmt: skip
        command = f"cer users password {FIRST_ADMIN}"
        text += say("Change it with: %(command)s", command=command) + "\n"
    return text


def password_line(password: str) -> str:
    """The first admin's one-time password, said once."""
    return say("Password of %(user)s (shown once; change it on the Account page): %(password)s",
               user=FIRST_ADMIN, password=password)  # fmt: skip


def running_box(where: Sequence[tuple[str, str]], admin_password: str | None) -> str:
    """The short box that ends `cer up`'s start: the addresses, the admin user and, when it was just made,
    where its one-time password is (on the box's last line, said this once and never again)."""
    if admin_password:
        admin = say("%(user)s — its one-time password is on the last line below", user=FIRST_ADMIN)
    else:
        admin = say("%(user)s (password set before; `cer users password %(user)s` sets a new one)",
                    user=FIRST_ADMIN)  # fmt: skip
    rows = [(label, value) for label, value in where] + [(say("Admin user:"), admin)]
    width = max(len(label) for label, _ in rows)
    lines = [say("cer-toolkit is running."), ""]
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    lines += ["", say("Try: %(commands)s", commands="cer demo"), say("Ctrl-C stops everything.")]
    if admin_password:
        lines += ["", password_line(admin_password)]
    inner = max(len(line) for line in lines)
    edge = "+" + "-" * (inner + 2) + "+"
    return "\n".join(["", edge, *(f"| {line.ljust(inner)} |" for line in lines), edge])


def _day(iso: object) -> str:
    """A recorded moment (ISO text) as its day: `2027-01-15`, or `15 janv. 2027` in French."""
    import datetime as dt

    return day(dt.datetime.fromisoformat(str(iso)).date()) if iso else "—"
