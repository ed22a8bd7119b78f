"""Session use cases: start and finish a sign-in, find a live session (refreshing its tokens when near expiry),
and sign out at the issuer too."""

import secrets
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from services.console.sessions import store
from services.console.sessions.domain import Lifetimes, Session, return_path
from services.console.sessions.issuer import Issuer, SessionEnded, SignInFailed
from shared.storage.database import Document


async def start_sign_in(
    db: AsyncDatabase[Document], issuer: Issuer, *, return_to: str, lasts: timedelta
) -> tuple[str, str]:
    """The issuer's URL to send the browser to, and the state its answer must carry (kept in a cookie too, so
    that only the browser that started a sign-in can finish it)."""
    now = datetime.now(UTC)
    url, sign_in = await issuer.authorization(return_path(return_to), now=now)
    await store.add_sign_in(db, sign_in, expires_at=now + lasts)
    return url, sign_in.state


async def finish_sign_in(
    db: AsyncDatabase[Document], issuer: Issuer, lifetimes: Lifetimes, *, state: str, code: str, browser_state: str
) -> tuple[str, str]:
    """The new session's id and the page to return to; SignInFailed when the state is unknown, used, expired, or
    not this browser's, or when the issuer's answer does not verify."""
    if not secrets.compare_digest(state, browser_state):
        raise SignInFailed("the state is not the one this browser was sent with")
    now = datetime.now(UTC)
    sign_in = await store.take_sign_in(db, state, now=now)
    if sign_in is None:
        raise SignInFailed("no sign-in is waiting for this state")
    person, tokens = await issuer.signed_in(sign_in, code)
    session = Session(person, tokens, secrets.token_urlsafe(32), started_at=now, last_seen_at=now)
    session_id = store.new_session_id()
    await store.save_session(db, session_id, session, lifetimes)
    return session_id, sign_in.return_to


async def live_session(
    db: AsyncDatabase[Document], issuer: Issuer, lifetimes: Lifetimes, session_id: str
) -> Session | None:
    """The session, seen now and with fresh tokens; None when it is unknown, past its idle or absolute end, or
    ended at the issuer (then it is removed here too)."""
    now = datetime.now(UTC)
    session = await store.session(db, session_id)
    if session is None:
        return None
    if not session.alive(now, lifetimes):
        await store.end_session(db, session_id)
        return None
    if session.needs_refresh(now, lifetimes):
        try:
            person, tokens = await issuer.refreshed(session.tokens)
        except SessionEnded:
            await store.end_session(db, session_id)
            return None
        session = Session(person, tokens, session.csrf_token, session.started_at, session.last_seen_at)
    session = session.seen(now)
    await store.save_session(db, session_id, session, lifetimes)
    return session


async def sign_out(db: AsyncDatabase[Document], issuer: Issuer, session_id: str | None, *, after: str) -> str:
    """Where to send the browser: the issuer's end-session page (which ends the session there), or `after`."""
    ended = await store.end_session(db, session_id) if session_id else None
    if ended is None:
        return after
    return await issuer.logout_url(ended.tokens, after=after)


async def forget(db: AsyncDatabase[Document], session_id: str) -> None:
    """A session whose token the services refuse is no use: the person signs in again."""
    await store.end_session(db, session_id)
