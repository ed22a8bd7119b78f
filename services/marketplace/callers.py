"""Who may call the marketplace's routes: the scopes its keys carry, and how far a key reaches.

Officers' keys (`facility_id`) reach their facility's listings and orders; integrators' keys place orders and
read their own; the catalogue needs no key at all."""

from typing import Annotated

from shared.http.api_keys import Caller, scoped

ListingWriter = Annotated[Caller, scoped("listings:write")]
OrderPlacer = Annotated[Caller, scoped("orders:write")]
OrderManager = Annotated[Caller, scoped("orders:manage")]
SettlementReader = Annotated[Caller, scoped("settlement:read")]
TermsWriter = Annotated[Caller, scoped("settlement:write")]


def facility_reach(caller: Caller) -> str | None:
    """The one facility a key reaches, or None for platform staff, who reach every facility."""
    return caller.attributes.get("facility_id")
