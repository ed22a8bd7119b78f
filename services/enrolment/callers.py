"""What an API key says about its holder, as the enrolment service uses it."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from shared.errors import Forbidden
from shared.http.api_keys import Caller, scoped


def signature(caller: Caller) -> str:
    """How a transition records who made it."""
    return f"{caller.name} ({caller.key_id})"


NOWHERE = "\u2205"
"""A facility no id equals: where a key reaches that is neither staff's nor an officer's, agency's or trainer's."""


def facility_of(caller: Caller) -> str | None:
    """A facility officer's key names their facility; platform staff's and agencies' and trainers' (limited by
    those) name none; any other key (an integrator's, a misspelt attribute's) reaches NOWHERE."""
    if facility := caller.attributes.get("facility_id"):
        return facility
    if caller.staff or caller.agency_id or caller.attributes.get("trainer_id"):
        return None
    return NOWHERE


class NotTheirs(Forbidden):
    """Programmes are written by their agency's staff or platform staff; cohorts opened by officers of that
    facility or platform staff."""


def programme_writer(caller: Caller) -> str | None:
    """The agency whose programmes the caller writes, None for platform staff; any other key is refused."""
    if caller.agency_id:
        return caller.agency_id
    if caller.staff:
        return None
    raise NotTheirs("Programmes are written by their agency's staff or platform staff.", field="agency_id")


def cohort_opener(caller: Caller) -> None:
    """Officers open cohorts at their facility and an agency's staff of its programmes (both checked with the
    reach), platform staff any; a trainer, or a key with no reach, opens none."""
    if not (caller.staff or caller.attributes.get("facility_id") or caller.agency_id):
        raise NotTheirs(
            "Cohorts are opened by that facility's officers, the programme's agency or platform staff.",
            field="facility_id",
        )


def agency_of(caller: Caller) -> str | None:
    """A partner agency's key names the agency."""
    return caller.agency_id


def figures_agency(caller: Caller) -> str | None:
    """Whose programmes' figures a caller reads: its agency's, every one for platform staff (None), none (NOWHERE)
    for any other caller, whose attribute (a facility, a trainer) or lack of one says nothing of programmes."""
    if caller.agency_id:
        return caller.agency_id
    return None if caller.staff else NOWHERE


def trainer_of(caller: Caller) -> str | None:
    """A trainer's key names the trainer; staff and admin keys name none and may act on any cohort."""
    return caller.attributes.get("trainer_id")


@dataclass(frozen=True)
class Reach:
    """Whose enrolments a key may see and change: its facility's, its agency's programmes', its trainer's
    cohorts'. A limit left None does not apply, so admin and directorate keys reach everything."""

    facility_id: str | None = None
    agency_id: str | None = None
    trainer_id: str | None = None


EVERYWHERE = Reach()


def reach_of(caller: Caller) -> Reach:
    return Reach(facility_of(caller), agency_of(caller), trainer_of(caller))


def sees_personal_data(caller: Caller) -> bool:
    """Partner-agency and trainer keys never do: no personal data, no screening details, no staff's notes."""
    return agency_of(caller) is None and trainer_of(caller) is None


class NoPersonalData(Forbidden):
    """Partner-agency and trainer keys never see or record participants' personal data, whatever their scopes."""


def facility_staff(scope: str) -> Any:
    """A dependency giving a caller with `scope` whose key is neither a partner agency's nor a trainer's."""

    async def check(caller: Annotated[Caller, scoped(scope)]) -> Caller:
        if not sees_personal_data(caller):
            raise NoPersonalData("Partner-agency and trainer keys never see participants' personal data.")
        return caller

    return Depends(check)
