"""Starting the product: `cer up` (everything, on embedded defaults), `cer serve` (the website alone) and
`cer worker` (the flows, on a Prefect server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cer.cli.app import JsonOpt, app, cli_errors, content, emit, say, stored_content

if TYPE_CHECKING:
    from cer.runtime.config import Settings


@app.command()
@cli_errors
def up(
    check: Annotated[
        bool, typer.Option("--check", help="Only check the content and migrate the database, then exit.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Start the product: check, migrate, run a Prefect server, a worker and the website (Ctrl-C stops)."""
    from cer.cli.users import operator
    from cer.runtime.config import get_settings
    from cer.services.setup import ready_product
    from cer.views.render_accounts import ready_text

    settings = get_settings()
    ready = ready_product(settings=settings, content=stored_content(), by=operator())
    # Starting everything, the one-time password is said last, once, in the box that ends the start.
    emit(ready.json, json_, lambda: ready_text(content(), ready, password=check))
    if not check:
        _run_stack(settings, ready.first_admin_password)


def _run_stack(settings: Settings, admin_password: str | None) -> None:
    """A Prefect server, a worker and the website, until Ctrl-C; each stopped whatever happens."""
    from cer.runtime.prefect_env import prefect_settings
    from cer.runtime.stack import Stack, StackError
    from cer.runtime.web import web_port
    from cer.views.render_accounts import password_line, running_box

    prefect = prefect_settings()
    logs = settings.var_dir / "logs"
    stack = Stack(
        prefect=prefect, log_dir=logs, say=lambda line: typer.echo(line, err=True), web_port=web_port()
    )
    boxed = False
    try:
        stack.start()
        where = _running(stack.web_url, prefect.ui_url, prefect.api_url, logs, stack.prefect)
        typer.echo(running_box(where, admin_password), err=True)
        boxed = True
        stack.run_until_stopped()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while it was starting
        stack.stop()
        typer.echo(say("Stopped before everything had started; nothing is left running."), err=True)
    except StackError as exc:
        stack.stop()
        typer.echo(say("Error: %(message)s", message=exc), err=True)
        raise typer.Exit(1) from None
    except BaseException:
        stack.stop()
        raise
    finally:
        if admin_password and not boxed:  # the start failed: the new admin's password is said anyway, once
            typer.echo(password_line(admin_password), err=True)


def _running(web: str, ui: str, api: str, logs: object, prefect: object) -> list[tuple[str, str]]:
    """Where everything `cer up` started is: (label, address) in the command line's language."""
    auth_file = getattr(prefect, "auth_file", None) if getattr(prefect, "auth", None) else None
    secret = " " + say("(its UI asks for the secret in %(file)s)", file=auth_file) if auth_file else ""
    return [(say("Website:"), web), (say("Prefect UI:"), ui), (say("Prefect API:"), f"{api}{secret}"),
            (say("Logs:"), str(logs))]  # fmt: skip


@app.command()
@cli_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: CER_WEB_PORT or 8000).")] = None,
) -> None:
    """Run the website (the toolkit's browse sections and the JSON API under /api) until Ctrl-C."""
    import uvicorn

    from cer.runtime.config import get_settings
    from cer.runtime.prefect_env import use_prefect
    from cer.runtime.web import web_port

    use_prefect()  # before any route imports Prefect, which reads its settings once
    proxies = get_settings().trusted_proxies  # X-Forwarded-For believed only from these (none by default)
    uvicorn.run(
        "cer.web.app:create_app", factory=True, host=host, port=port or web_port(), log_level="warning",
        proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None,
    )  # fmt: skip


@app.command()
@cli_errors
def worker(
    pool: Annotated[
        str | None, typer.Option(help="Register on this Prefect process work pool and start a worker on it.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many flow runs at once.")] = None,
) -> None:
    """Serve every deployment (workstreams A–G, change-process, monitor-plans, progress-report)."""
    from flows.launch import prefect_or_refuse

    settings = prefect_or_refuse()
    if pool is not None:
        _pool_worker(pool, limit)
    from flows.deployments import serve

    typer.echo(say("Serving cer-toolkit's flows from %(url)s (Ctrl-C stops)", url=settings.api_url))
    serve(limit=limit)


def _pool_worker(pool: str, limit: int | None) -> None:
    """Register the deployments on `pool` and become Prefect's worker on it (this process is replaced: a
    signal sent to `cer worker` reaches the worker, and none is left behind)."""
    import os
    import sys

    from flows.deployments import deploy_to_pool

    names = deploy_to_pool(pool)
    typer.echo(
        say("Registered %(num)s deployments on work pool %(pool)s; starting a worker (Ctrl-C stops)",
            num=len(names), pool=pool)
    )  # fmt: skip
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
    if limit is not None:
        command += ["--limit", str(limit)]
    sys.stdout.flush()
    os.execv(sys.executable, command)
