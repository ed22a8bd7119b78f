"""The error responses the enrolment service's routes document alike."""

from typing import Any

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such programme, cohort or enrolment"}}
NOT_ACTIVE: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The enrolment's state does not allow it"},
}
