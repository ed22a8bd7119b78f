"""What the enrolment service's routes share: path ids, filters and the usual error responses."""

from typing import Annotated, Any

from fastapi import Path, Query

Id = Annotated[str, Path(max_length=64)]
Filter = Annotated[str | None, Query(max_length=64)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such programme, cohort or enrolment"}}
NOT_ACTIVE: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The enrolment's state does not allow it"},
}
