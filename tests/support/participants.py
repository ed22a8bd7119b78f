"""Participant registrations for tests: valid, unique, and nothing personal reused across tests."""

import random
from typing import Any


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
