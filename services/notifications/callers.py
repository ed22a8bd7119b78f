"""Who may call notifications' routes: the scopes its keys carry."""

from typing import Annotated

from shared.http.api_keys import Caller, scoped

FeedReader = Annotated[Caller, scoped("events:read")]
SubscriptionWriter = Annotated[Caller, scoped("subscriptions:write")]
EndpointReader = Annotated[Caller, scoped("endpoints:read")]
EndpointWriter = Annotated[Caller, scoped("endpoints:write")]
