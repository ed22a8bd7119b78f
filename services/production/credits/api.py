"""Credits in requests and responses of harvests and batches."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.production.credits.domain import Credited
from services.production.quantities.api import AmountIn, AmountOut

NOT_CREDITABLE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad input, or a credited participant was not active that day"}
}


class CreditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: str = Field(min_length=1, max_length=64, description="Opaque participant id")
    hours: AmountIn


class CreditOut(BaseModel):
    participant_id: str
    hours: AmountOut
    cohort_id: str | None = Field(description="the cohort the participant was active in that day")


def credits_in(body: BaseModel) -> dict[str, Any]:
    """The body's fields as a handler takes them: credits as (participant id, hours) pairs."""
    values = body.model_dump()
    values["credits"] = [(credit["participant_id"], credit["hours"]) for credit in values["credits"]]
    return values


def credits_out(credits: tuple[Credited, ...]) -> list[CreditOut]:
    return [CreditOut(participant_id=c.participant_id, hours=c.hours, cohort_id=c.cohort_id) for c in credits]
