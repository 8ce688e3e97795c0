"""Accounts, tokens and the audit trail as the command line prints them (text, and JSON for scripts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cer.content import Content
from cer.db.tables import ApiTokenRow, UserRow
from cer.services.audit import Entry
from cer.services.setup import Ready
from cer.services.users import FIRST_ADMIN
from cer.views.render import welcome


def new_user_json(user: UserRow, password: str | None) -> dict[str, Any]:
    return {"username": user.username, "name": user.name, "email": user.email, "password": password}


def new_user_text(user: UserRow, password: str | None) -> str:
    shown = f"Password (shown once): {password}\n" if password else ""
    return (
        f"Created {user.username} ({user.name}).\n{shown}"
        f"Give them a role: cer users grant {user.username} COUNTRY ROLE\n"
    )


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
        return "No tokens.\n"
    lines = [f"{'ID':>4}  {'USER':<16} {'NAME':<20} {'STARTS':<12} {'CREATED':<10} STATE"]
    for r in rows:
        state = f"revoked {str(r['revoked_at'])[:10]}" if r["revoked_at"] else "live"
        lines.append(
            f"{r['id']:>4}  {r['username']:<16} {str(r['name'])[:20]:<20} {r['prefix']:<12} "
            f"{str(r['created_at'])[:10]:<10} {state}"
        )
    return "\n".join(lines) + "\n"


def audit_text(entries: Sequence[Entry], country: str | None) -> str:
    if not entries:
        return "Nothing recorded" + (f" for {country.upper()}" if country else "") + ".\n"
    lines = []
    for e in entries:
        detail = "; ".join(f"{k}: {v}" for k, v in e.detail.items() if v not in (None, "", [], {}))
        lines.append(f"{e.at:%Y-%m-%d %H:%M}  {e.actor:<18} {e.action:<17} {e.target}  {detail}".rstrip())
    return "\n".join(lines) + "\n"


def ready_text(content: Content, ready: Ready) -> str:
    """What `cer up` says before it starts anything: the content, the database, the first admin once."""
    text = welcome(content) + f"Database ready at schema {ready.schema}: {ready.database}\n"
    if ready.first_admin_password:
        text += (
            f"First admin created: user {FIRST_ADMIN}, password (shown once, keep it safe): "
            f"{ready.first_admin_password}\nChange it with: cer users password {FIRST_ADMIN}\n"
        )
    return text
