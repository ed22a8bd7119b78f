"""Participant registrations for tests: valid, unique, and nothing personal reused across tests; a registered
participant for tests of the rules."""

import random
from datetime import date
from typing import Any

from services.enrolment.participants import domain
from services.enrolment.participants.domain import SecurityClassification


def new_registration(**overrides: Any) -> dict[str, Any]:
    number = random.randrange(10**15, 10**16)
    return {
        "facility_id": "rutan-serang",
        "registration_number": f"BI.{number}",
        "full_name": "Ahmad Fauzi",
        "nik": str(number),
        "date_of_birth": "1990-03-12",
        "sentence_start": "2025-06-01",
        "expected_release": "2028-05-31",
        "security_classification": "minimum",
        **overrides,
    }


def register(**overrides: object) -> domain.Participant:
    values: dict[str, object] = {
        "facility_id": "rutan-serang",
        "registration_number": "BI.1",
        "full_name": "Ahmad",
        "nik": "3604011203900001",
        "date_of_birth": date(1990, 3, 12),
        "sentence_start": date(2025, 6, 1),
        "expected_release": date(2028, 5, 31),
        "security_classification": SecurityClassification.MINIMUM,
        **overrides,
    }
    participant, _ = domain.register_participant(domain.Registration(**values))  # type: ignore[arg-type]
    return participant
