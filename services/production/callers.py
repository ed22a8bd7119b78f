"""Who may call production's routes: the scopes its keys carry."""

from typing import Annotated

from shared.http.api_keys import Caller, scoped

ProductionWriter = Annotated[Caller, scoped("production:write")]
ProductionReader = Annotated[Caller, scoped("production:read")]
FiguresReader = Annotated[Caller, scoped("figures:read")]
