"""The console's running parts: its database (sessions only), the services' clients and the issuer's; started and
stopped with the app. Its readiness is the database's: a service that is down shows on the page that needs it."""

import asyncio
from datetime import timedelta

from pymongo import AsyncMongoClient, IndexModel

from services.console.clients.upstream import Upstream
from services.console.sessions.domain import Lifetimes
from services.console.sessions.issuer import Issuer
from shared import metrics
from shared.settings import ServiceSettings
from shared.storage.database import Document, ServiceDatabase


class ConsoleRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        upstream: Upstream,
        issuer: Issuer,
        lifetimes: Lifetimes,
        sign_in_time: timedelta,
        indexes: dict[str, list[IndexModel]],
    ) -> None:
        self.settings = settings
        self.upstream = upstream
        self.issuer = issuer
        self.lifetimes = lifetimes
        self.sign_in_time = sign_in_time
        self._indexes = indexes
        self._client: AsyncMongoClient[Document] | None = None
        self._database: ServiceDatabase | None = None

    @property
    def database(self) -> ServiceDatabase:
        if self._database is None:
            raise RuntimeError("the console has not started")
        return self._database

    async def start(self) -> None:
        settings = self.settings
        self._client = AsyncMongoClient(settings.mongodb_url, **settings.mongodb_client_options)
        self._database = ServiceDatabase(
            client=self._client, name=settings.database_name, source=f"/services/{settings.service_name}", topic=None
        )
        await self._database.ensure_indexes(self._indexes)

    async def stop(self) -> None:
        await self.upstream.aclose()
        if self._client is not None:
            await self._client.close()

    async def readiness(self) -> dict[str, str]:
        try:
            await asyncio.wait_for(self.database.ping(), timeout=3)
            state = "ok"
        except Exception as error:
            state = f"unreachable: {type(error).__name__}"
        metrics.READINESS.labels(self.settings.service_name, "mongodb").set(1 if state == "ok" else 0)
        return {"mongodb": state}
