"""Accounts on this server's database: `cer users`, `cer tokens`, `cer audit`.

These commands work on the database directly, as its operator does (like `cer db upgrade`): they are signed
`cli:<your login name>` in the audit trail. A password or token is printed once, when it is made, and never
again; nothing else prints or logs it.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from cer.cli.app import JsonOpt, app, cli_errors, emit, say

if TYPE_CHECKING:
    from sqlmodel import Session

users_app = typer.Typer(help="Users and their roles per country.", no_args_is_help=True)
tokens_app = typer.Typer(help="Personal API tokens (shown once; kept hashed).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

ROLES = "viewer, member, coordinator or admin (admin only with '*')"


def operator() -> str:
    return f"cli:{getpass.getuser()}"


def _session() -> Session:
    from cer.runtime.config import get_settings
    from cer.services.database import session_for

    return session_for(get_settings())


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The password to set and whether it was generated (then it is printed once)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    from cer.services.users import generate_password

    return generate_password(), True


@users_app.command("add")
@cli_errors
def users_add(
    username: Annotated[str, typer.Argument(help="Lower case letters, digits, . _ - (2–60).")],
    name: Annotated[str, typer.Option("--name", help="Full name, as changes are signed.")],
    email: Annotated[str | None, typer.Option(help="E-mail address for reminders.")] = None,
    agency: Annotated[str | None, typer.Option(help="The agency they work for, e.g. WFP.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password (12+ characters) from standard input.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Create a user. Without --password-stdin a password is generated and printed once."""
    from cer.services.users import create_user
    from cer.views import render_accounts as ra

    password, generated = _password(password_stdin)
    with _session() as session:
        user = create_user(
            session=session, username=username, name=name, email=email, agency=agency, password=password,
            by=operator(),
        )  # fmt: skip
    shown = password if generated else None
    emit(lambda: ra.new_user_json(user, shown), json_, lambda: ra.new_user_text(user, shown))


@users_app.command("agency")
@cli_errors
def users_agency(
    username: Annotated[str, typer.Argument()],
    agency: Annotated[str, typer.Argument(help="An acronym, e.g. WFP; '' for none.")],
    json_: JsonOpt = False,
) -> None:
    """Record the agency a user works for: their "My tasks" then has the tasks it leads."""
    from cer.services.users import set_agency

    with _session() as session:
        user = set_agency(session=session, username=username, agency=agency, by=operator())
    name, works_for = user.username, user.agency
    text = (
        say("%(user)s works for %(agency)s.", user=name, agency=works_for)
        if works_for
        else say("%(user)s: no agency.", user=name)
    )
    emit(lambda: {"username": user.username, "agency": user.agency}, json_, lambda: text + "\n")


@users_app.command("grant")
@cli_errors
def users_grant(
    username: Annotated[str, typer.Argument()],
    country: Annotated[str, typer.Argument(help="ISO code or name, or '*' for every country.")],
    role: Annotated[str, typer.Argument(help=ROLES)],
    json_: JsonOpt = False,
) -> None:
    """Give a user a role in a country (replacing the role they had there)."""
    from cer.services.users import grant

    with _session() as session:
        m = grant(session=session, username=username, country=country, role=role, by=operator())
        data = {"username": username.strip().lower(), "country": m.country_code, "role": m.role}
    where = say("every country") if data["country"] == "*" else data["country"]
    text = say(
        "%(user)s is now %(role)s in %(where)s.", user=data["username"], role=data["role"], where=where
    )
    emit(lambda: data, json_, lambda: text + "\n")


@users_app.command("revoke")
@cli_errors
def users_revoke(
    username: Annotated[str, typer.Argument()],
    country: Annotated[str, typer.Argument(help="ISO code, or '*'.")],
) -> None:
    """Take away a user's role in a country."""
    from cer.services.users import revoke

    with _session() as session:
        revoke(session=session, username=username, country=country, by=operator())
    typer.echo(say("%(user)s has no role in %(country)s any more.", user=username, country=country))


@users_app.command("list")
@cli_errors
def users_list(json_: JsonOpt = False) -> None:
    """Every user with their roles and how many live tokens they have."""
    from cer.services.users import list_users

    with _session() as session:
        rows = list_users(session=session)

    def text() -> str:
        if not rows:
            return say("No users yet: cer up creates the first admin; cer users add makes more.") + "\n"
        heads = (say("USER"), say("NAME"), say("ACTIVE"), say("TOKENS"), say("ROLES"))
        lines = [f"{heads[0]:<20} {heads[1]:<28} {heads[2]:<6} {heads[3]:>6}  {heads[4]}"]
        for r in rows:
            roles = ", ".join(f"{c} {role}" for c, role in r.roles.items()) or "-"
            active = say("yes") if r.active else say("no")
            lines.append(f"{r.username:<20} {r.name[:28]:<28} {active:<6} {r.tokens:>6}  {roles}")
        return "\n".join(lines) + "\n"

    emit(lambda: [r.json() for r in rows], json_, text)


@users_app.command("password")
@cli_errors
def users_password(
    username: Annotated[str, typer.Argument()],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read it from standard input.")
    ] = False,
) -> None:
    """Set a new password (generated and printed once unless --password-stdin)."""
    from cer.services.users import set_password

    password, generated = _password(password_stdin)
    with _session() as session:
        set_password(session=session, username=username, password=password, by=operator())
    shown = "\n" + say("New password (shown once): %(password)s", password=password) if generated else ""
    typer.echo(say("Password of %(user)s changed.", user=username) + shown)


def _set_active(username: str, active: bool) -> None:
    from cer.services.users import set_active

    with _session() as session:
        set_active(session=session, username=username, active=active, by=operator())
    typer.echo(
        say("%(user)s is enabled.", user=username) if active else say("%(user)s is disabled.", user=username)
    )


@users_app.command("disable")
@cli_errors
def users_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Stop a user signing in or using their tokens (their record and history stay)."""
    _set_active(username, active=False)


@users_app.command("enable")
@cli_errors
def users_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Let a disabled user sign in again."""
    _set_active(username, active=True)


@tokens_app.command("create")
@cli_errors
def tokens_create(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name", help="What it is for, e.g. 'laptop'.")],
    json_: JsonOpt = False,
) -> None:
    """Make an API token for a user; it is printed once (send it as `Authorization: Bearer <token>`)."""
    from cer.services.users import create_token

    with _session() as session:
        token, secret = create_token(session=session, username=username, name=name, by=operator())
        data = {"id": token.id, "username": username.strip().lower(), "name": token.name, "token": secret}
    emit(lambda: data, json_, lambda: _new_token_text(data))


def _new_token_text(data: Mapping[str, object]) -> str:
    head = say("Token %(id)s for %(user)s (%(name)s), shown once:", id=data["id"], user=data["username"],
               name=data["name"])  # fmt: skip
    return f"{head}\n{data['token']}\n"


@tokens_app.command("list")
@cli_errors
def tokens_list(
    username: Annotated[str | None, typer.Argument(help="Only this user's.")] = None, json_: JsonOpt = False
) -> None:
    """Tokens with their owner, first characters, creation, last use and revocation (never the token)."""
    from cer.services.users import list_tokens
    from cer.views import render_accounts as ra

    with _session() as session:
        rows = ra.token_rows(list_tokens(session=session, username=username))
    emit(rows, json_, lambda: ra.tokens_text(rows))


@tokens_app.command("revoke")
@cli_errors
def tokens_revoke(token_id: Annotated[int, typer.Argument(help="The token's id (cer tokens list).")]) -> None:
    """Revoke a token: it stops working at once."""
    from cer.services.users import revoke_token

    with _session() as session:
        token = revoke_token(session=session, token_id=token_id, by=operator())
        typer.echo(say("Token %(id)s (%(prefix)s…) is revoked.", id=token.id, prefix=token.prefix))


@app.command("audit")
@cli_errors
def audit_trail(
    country: Annotated[str | None, typer.Option(help="Only this country's (ISO code).")] = None,
    since: Annotated[str | None, typer.Option(help="From this date, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    json_: JsonOpt = False,
) -> None:
    """Who did what and when: task changes, plans, sign-offs, flow starts, sign-ins, roles and tokens."""
    import datetime as dt

    from cer.cli.app import day
    from cer.services.audit import trail
    from cer.views.render_accounts import audit_text

    start = day(since, "--since") if since else None
    when = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) if start else None
    with _session() as session:
        entries = trail(session=session, country=country, since=when, limit=limit)
    emit(lambda: [e.json() for e in entries], json_, lambda: audit_text(entries, country))
