"""HTTP routes for certificates: the public check of a certificate number."""

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter, Path
from pydantic import BaseModel

from services.enrolment.certificates import handlers
from services.enrolment.certificates.domain import Verification
from shared.http.app import DatabaseDep

router = APIRouter()


class VerificationOut(BaseModel):
    valid: bool
    programme: str | None
    agency_id: str | None
    issued_on: date | None

    @classmethod
    def from_domain(cls, verification: Verification) -> Self:
        return cls.model_validate(verification, from_attributes=True)


@router.get(
    "/certificates/{number}/verification",
    tags=["certificates"],
    summary="Public: is this certificate number valid? Programme, agency and date; nothing personal",
)
async def verify_certificate(number: Annotated[str, Path(max_length=32)], database: DatabaseDep) -> VerificationOut:
    return VerificationOut.from_domain(await handlers.verify_certificate(database, number))
