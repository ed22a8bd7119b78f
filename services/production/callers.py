"""Who may call production's routes: the scopes its keys carry, and how far a key reaches.

A facility officer's key (`facility_id`) reaches its facility's sites and what is recorded on them (cycles,
harvests, batches, lots, inputs); platform staff's every facility; any other key none (no attribute is never
"everything"). An agency's key reaches its own programmes' figures."""

from typing import Annotated

from shared.http.api_keys import Caller, scoped

ProductionWriter = Annotated[Caller, scoped("production:write")]
ProductionReader = Annotated[Caller, scoped("production:read")]
FiguresReader = Annotated[Caller, scoped("figures:read")]
NOWHERE = "\u2205"
"""A reach that no facility or agency id equals: what a key reaches that is neither staff's nor limited to one."""


def facility_reach(caller: Caller) -> str | None:
    """The one facility a key reaches, None for platform staff (every facility), NOWHERE for any other key."""
    if facility := caller.attributes.get("facility_id"):
        return facility
    return None if caller.staff else NOWHERE


def agency_reach(caller: Caller) -> str | None:
    """The one agency a key reaches, None for platform staff, NOWHERE for any other key (no attribute is never
    "everything")."""
    if caller.agency_id:
        return caller.agency_id
    return None if caller.staff else NOWHERE
