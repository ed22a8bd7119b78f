"""Sessions' lifetimes and the way back after signing in; pure."""

from datetime import UTC, datetime, timedelta

import pytest

from services.console.sessions.domain import Lifetimes, Person, Session, Tokens, person_of, return_path

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LIFETIMES = Lifetimes(idle=timedelta(minutes=30), absolute=timedelta(hours=10), refresh_margin=timedelta(seconds=60))


def session(*, started: timedelta, seen: timedelta, token_left: timedelta = timedelta(minutes=5)) -> Session:
    person = Person("sub-1", "officer.serang", "Officer Serang", frozenset({"participants:read"}), {})
    tokens = Tokens("access", "refresh", "id", access_expires_at=NOW + token_left)
    return Session(person, tokens, "csrf", started_at=NOW - started, last_seen_at=NOW - seen)


def test_a_session_lives_until_its_idle_or_its_absolute_end_whichever_comes_first() -> None:
    assert session(started=timedelta(hours=1), seen=timedelta(minutes=29)).alive(NOW, LIFETIMES)
    assert not session(started=timedelta(hours=1), seen=timedelta(minutes=31)).alive(NOW, LIFETIMES)
    assert not session(started=timedelta(hours=10), seen=timedelta(0)).alive(NOW, LIFETIMES)


def test_tokens_are_refreshed_within_the_margin_before_they_expire() -> None:
    assert not session(started=timedelta(0), seen=timedelta(0)).needs_refresh(NOW, LIFETIMES)
    near = session(started=timedelta(0), seen=timedelta(0), token_left=timedelta(seconds=59))
    assert near.needs_refresh(NOW, LIFETIMES)


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        ("/peserta/abc?baru=1", "/peserta/abc?baru=1"),
        ("/", "/"),
        ("//evil.example/peserta", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("peserta", "/"),
        ("/peserta\r\nSet-Cookie: x", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_a_relative_path_on_this_origin_is_returned_to(asked: str | None, kept: str) -> None:
    assert return_path(asked) == kept


def test_a_person_has_the_realm_roles_and_reach_of_their_access_token() -> None:
    person = person_of(
        {"sub": "s", "preferred_username": "officer.serang", "name": "Officer Serang"},
        {"realm_access": {"roles": ["participants:read", 7]}, "facility_id": "rutan-serang", "agency_id": ""},
    )
    assert person.roles == frozenset({"participants:read"})
    assert person.reach == {"facility_id": "rutan-serang"}
    assert person.may("participants:read")
    assert not person.may("participants:write")
