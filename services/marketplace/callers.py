"""Who may call the marketplace's routes: the scopes its keys carry, and how far a key reaches.

Officers' keys (`facility_id`) reach their facility's listings and orders; integrators' keys place orders and
read their own; the catalogue needs no key at all."""

from typing import Annotated

from shared.errors import Forbidden
from shared.http.api_keys import Caller, scoped

NOWHERE = "\u2205"
"""A reach that no facility or agency id equals: what a key reaches that is neither staff's nor limited to one."""

ListingWriter = Annotated[Caller, scoped("listings:write")]
OrderPlacer = Annotated[Caller, scoped("orders:write")]
OrderManager = Annotated[Caller, scoped("orders:manage")]
SettlementReader = Annotated[Caller, scoped("settlement:read")]
TermsWriter = Annotated[Caller, scoped("settlement:write")]


class NotStaff(Forbidden):
    """Only platform staff (`platform:staff`) set a programme's terms."""


def facility_reach(caller: Caller) -> str | None:
    """The one facility a key reaches, None for platform staff, who reach every facility, and NOWHERE for any
    other key: no attribute is never "everything"."""
    if facility := caller.attributes.get("facility_id"):
        return facility
    return None if caller.staff else NOWHERE


def agency_reach(caller: Caller) -> str | None:
    """The one agency a key reaches, None for platform staff, NOWHERE for any other key."""
    if caller.agency_id:
        return caller.agency_id
    return None if caller.staff else NOWHERE
