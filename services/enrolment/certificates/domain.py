"""Competency certificates: their numbers, and what anyone may learn from one; pure, no I/O."""

import secrets
from dataclasses import dataclass
from datetime import date

CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def certificate_number(issued_on: date) -> str:
    """`PK-<year>-<10 random characters>`: unguessable, so the public check cannot be used to enumerate."""
    return f"PK-{issued_on.year}-" + "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class Certificate:
    """An issued certificate; `programme_name` is None on those issued before names were kept on them."""

    number: str
    enrolment_id: str
    programme_id: str
    programme_name: str | None
    agency_id: str
    issued_on: date


@dataclass(frozen=True)
class Verification:
    """What anyone may learn from a certificate number: nothing personal."""

    valid: bool
    programme: str | None = None
    agency_id: str | None = None
    issued_on: date | None = None
