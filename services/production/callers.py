"""Who may call production's routes: the scopes its keys carry."""

from typing import Annotated

from shared.http.api_keys import Caller, scoped

ProductionWriter = Annotated[Caller, scoped("production:write")]
ProductionReader = Annotated[Caller, scoped("production:read")]
FiguresReader = Annotated[Caller, scoped("figures:read")]
NOWHERE = "\u2205"
"""A reach that no facility or agency id equals: what a key reaches that is neither staff's nor limited to one."""


def agency_reach(caller: Caller) -> str | None:
    """The one agency a key reaches, None for platform staff, NOWHERE for any other key (no attribute is never
    "everything")."""
    if caller.agency_id:
        return caller.agency_id
    return None if caller.staff else NOWHERE
