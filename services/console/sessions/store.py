"""Sessions and sign-ins under way in the console's own database. The browser holds a random session id; only
its SHA-256 is stored, so a copy of the database opens no session. Both collections expire by a TTL index."""

import hashlib
import secrets
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.console.sessions.domain import Lifetimes, Person, Session, SignIn, Tokens
from shared.storage.database import Document

SESSIONS = "sessions"
SIGN_INS = "sign_ins"
EXPIRES_AT = "expires_at"
INDEXES = {
    SESSIONS: [IndexModel([(EXPIRES_AT, ASCENDING)], name="expired", expireAfterSeconds=0)],
    SIGN_INS: [IndexModel([(EXPIRES_AT, ASCENDING)], name="expired", expireAfterSeconds=0)],
}


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def stored_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def to_document(session: Session, lifetimes: Lifetimes) -> Document:
    document: dict[str, Any] = asdict(session)
    document["person"]["roles"] = sorted(session.person.roles)
    return document | {EXPIRES_AT: session.expires_at(lifetimes)}


def from_document(document: Document) -> Session:
    person = document["person"]
    return Session(
        person=Person(**{**person, "roles": frozenset(person["roles"])}),
        tokens=Tokens(**document["tokens"]),
        csrf_token=document["csrf_token"],
        started_at=document["started_at"],
        last_seen_at=document["last_seen_at"],
    )


async def save_session(db: AsyncDatabase[Document], session_id: str, session: Session, lifetimes: Lifetimes) -> None:
    document = {"_id": stored_id(session_id), **to_document(session, lifetimes)}
    await db[SESSIONS].replace_one({"_id": document["_id"]}, document, upsert=True)


async def session(db: AsyncDatabase[Document], session_id: str) -> Session | None:
    document = await db[SESSIONS].find_one({"_id": stored_id(session_id)})
    return None if document is None else from_document(document)


async def end_session(db: AsyncDatabase[Document], session_id: str) -> Session | None:
    document = await db[SESSIONS].find_one_and_delete({"_id": stored_id(session_id)})
    return None if document is None else from_document(document)


async def add_sign_in(db: AsyncDatabase[Document], sign_in: SignIn, *, expires_at: datetime) -> None:
    await db[SIGN_INS].insert_one({"_id": sign_in.state, **asdict(sign_in), EXPIRES_AT: expires_at})


async def take_sign_in(db: AsyncDatabase[Document], state: str, *, now: datetime) -> SignIn | None:
    """The sign-in this state names, once: a replayed or expired state finds none."""
    document = await db[SIGN_INS].find_one_and_delete({"_id": state})
    if document is None or document[EXPIRES_AT] <= now:
        return None
    return SignIn(**{name: document[name] for name in SignIn.__dataclass_fields__})
