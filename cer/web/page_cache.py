"""The page cache: a page is served again, unrendered, while nothing it shows has changed."""

from __future__ import annotations

import functools
import gzip
import hashlib
import inspect
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cer.services.database import session_for
from cer.web.csrf import CSRF_COOKIE
from cer.web.deps import content, language, settings
from cer.web.identities import IDENTITIES
from cer.web.notices import HEAD_ONLY, NOTICE_COOKIE, TAKEN
from cer.web.templating import VARY, is_fragment


class _Pages:
    """The most recently used pages, up to a byte budget; safe to share between the thread pool's threads."""

    Page = tuple[bytes, bytes, str, str]  # body, gzipped body, media type, ETag

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._pages: OrderedDict[tuple[object, ...], _Pages.Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> _Pages.Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[object, ...], page: _Pages.Page) -> None:
        with self._lock:
            if (old := self._pages.pop(key, None)) is not None:
                self.used -= len(old[0]) + len(old[1])
            self._pages[key] = page
            self.used += len(page[0]) + len(page[1])
            while self.used > self.budget and len(self._pages) > 1:
                _, dropped = self._pages.popitem(last=False)
                self.used -= len(dropped[0]) + len(dropped[1])


PAGES = _Pages(budget=64 * 1024 * 1024)


@dataclass(frozen=True)
class Stamp:
    """What a page made from the database shows, summed up in a few numbers (cer.services.stamps)."""

    scope: Callable[[dict[str, Any]], Hashable]  # which data, from the route's arguments: e.g. the country
    read: Callable[[Session, Any], Hashable]  # the stamp of that data, read from the database
    # who may see it, checked from the route's arguments before any stamp is read or page looked up
    guard: Callable[[dict[str, Any]], None] | None = None


Scope_ = tuple["Stamp", object, Hashable]  # a stamp, the app and what it is of


class _Stamps:
    """Stamps read in the last `settings.web_stale_seconds`, so that a page found in the cache is answered on
    the event loop without a query. A change made through this process forgets them all at once
    (`ForgetStamps`); one made by another process (a flow run, the CLI) shows once they have expired."""

    def __init__(self) -> None:
        self._read: dict[Scope_, tuple[float, Hashable]] = {}
        self.generation = 0  # bumped by forget(): a stamp read before it must not be kept
        self._lock = threading.Lock()

    def get(self, scope: Scope_) -> tuple[Hashable] | None:
        found = self._read.get(scope)
        return (found[1],) if found is not None and time.monotonic() < found[0] else None

    def put(self, scope: Scope_, value: Hashable, generation: int, seconds: float) -> None:
        with self._lock:
            if generation == self.generation and seconds > 0:
                if len(self._read) > 10_000:
                    self._read.clear()
                self._read[scope] = (time.monotonic() + seconds, value)

    def forget(self) -> None:
        with self._lock:
            self.generation += 1
            self._read.clear()


STAMPS = _Stamps()
Found = Response | _Pages.Page  # a page, or an answer that is not one (an error, a redirect)


def cached_page(stamp: Stamp | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a page again, unrendered, while nothing it shows has changed.

    The key is the address, the language, page or fragment, who is signed in (with their roles) and this
    browser's CSRF cookie (a page shows both) and, for a
    page made from the database, its `stamp`: a few numbers read with the route's arguments that change
    whenever the page's data does. Without a stamp the page is made from the content alone, which is loaded
    once and never changes while the process runs. Every answer carries an ETag made from the key, so a
    browser revalidating a page it has gets 304 and no body. The bytes are gzipped once, when the page is
    made, for clients that accept it (a 190 kB plan page is 15 kB on the wire). The most recently used pages
    are kept, up to PAGES.budget bytes; errors are never cached. A route may return a dict: sent as JSON.

    The wrapper is a coroutine: a page found in the cache, with its stamp read less than
    `settings.web_stale_seconds` ago (see _Stamps), is answered on the event loop; otherwise it costs one
    trip to the thread pool (the wrapper opens the route's `session` itself, instead of FastAPI's
    dependency, which would take two more).
    """

    def decorate(route: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(route)
        if (stamp is None) == ("session" in signature.parameters):
            raise TypeError(f"{route.__name__}: a page takes a `session` if and only if it has a stamp")

        def key_of(request: Request, version: Hashable) -> tuple[object, ...]:
            url, who = request.url, request.scope["state"].get("principal")
            viewer = (who.id, tuple(sorted(who.roles.items())), who.agency) if who else None  # "mine": all 3
            # a page shows who and carries their token; notices may wait for this browser (cer.web.notices)
            mine = (viewer, request.cookies.get(CSRF_COOKIE, ""), request.cookies.get(NOTICE_COOKIE, ""))
            return (request.app, url.path, url.query, language(request), is_fragment(request), mine, version)

        def make(request: Request, key: tuple[object, ...], arguments: dict[str, Any]) -> Found:
            made = route(**arguments)
            response: Response = made if isinstance(made, Response) else JSONResponse(made)
            state = request.scope["state"]
            if (
                response.status_code != 200
                or state.get("csrf_new")
                or state.get(TAKEN)
                or request.scope.get(HEAD_ONLY)
            ):
                return (
                    response  # an error, a page holding a token or notices for this visitor alone, or a HEAD
                )
            tag = hashlib.blake2b(repr((content(request).version, *key[1:])).encode(), digest_size=12)
            body, etag = bytes(response.body), f'W/"{tag.hexdigest()}"'
            page = (body, gzip.compress(body, 6), response.media_type or "text/html", etag)
            PAGES.put(key, page)
            return page

        def from_database(request: Request, arguments: dict[str, Any], scope: Scope_) -> Found:
            assert stamp is not None
            generation = STAMPS.generation
            with session_for(settings(request)) as session:
                version = stamp.read(session, scope[2])
                STAMPS.put(scope, version, generation, settings(request).web_stale_seconds)
                key = key_of(request, version)
                page = PAGES.get(key)
                return page if page is not None else make(request, key, arguments | {"session": session})

        @functools.wraps(route)
        async def cached(**arguments: Any) -> Response:
            request: Request = arguments["request"]
            found: Found | None = None
            if stamp is None:
                if (found := PAGES.get(key := key_of(request, None))) is None:
                    found = await run_in_threadpool(make, request, key, arguments)
            else:
                if stamp.guard is not None:
                    stamp.guard(arguments)  # Forbidden before the cache or the database is asked anything
                scope = (stamp, request.app, stamp.scope(arguments))
                if (version := STAMPS.get(scope)) is not None:
                    found = PAGES.get(key_of(request, version[0]))
                if found is None:
                    found = await run_in_threadpool(from_database, request, arguments, scope)
            if isinstance(found, Response):
                return found
            body, compressed, media_type, etag = found
            headers = {"Vary": VARY + ", Accept-Encoding", "ETag": etag, "Cache-Control": "no-cache"}
            if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
                return Response(status_code=304, headers=headers)
            if "gzip" in request.headers.get("accept-encoding", ""):
                headers["Content-Encoding"] = "gzip"
                body = compressed
            return Response(body, media_type=media_type, headers=headers)

        params = [p for name, p in signature.parameters.items() if name != "session"]
        cached.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return cached

    return decorate


class ForgetStamps:
    """Any request that may change data (not GET, HEAD or OPTIONS) forgets the stamps and sign-ins read so
    far when it answers, so the next page shows its change at once (see _Stamps)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return

        async def forgetting(message: Message) -> None:
            if message["type"] == "http.response.start":
                STAMPS.forget()
                IDENTITIES.forget()
            await send(message)

        try:
            await self.app(scope, receive, forgetting)
        finally:
            STAMPS.forget()
            IDENTITIES.forget()


content_page = cached_page()
