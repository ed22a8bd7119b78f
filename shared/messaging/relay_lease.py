"""The outbox relay's lease: of a service's replicas, one relay publishes at a time."""

from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from shared.storage.database import ServiceDatabase

LEASES = "leases"


class RelayLease:
    """One relay among a service's replicas publishes at a time: it renews its lease every round, and when it
    stops, another takes over once the lease runs out. So each record is sent by one relay, in order."""

    def __init__(self, database: ServiceDatabase, *, owner: str, seconds: float) -> None:
        self._leases = database.db[LEASES]
        self._owner = owner
        self._seconds = seconds

    async def hold(self) -> bool:
        """Take or renew the lease; False while another relay holds it."""
        now = datetime.now(UTC)
        mine_or_lapsed = {"_id": "outbox_relay", "$or": [{"owner": self._owner}, {"expires_at": {"$lt": now}}]}
        renewed = {"$set": {"owner": self._owner, "expires_at": now + timedelta(seconds=self._seconds)}}
        try:
            await self._leases.update_one(mine_or_lapsed, renewed, upsert=True)
        except DuplicateKeyError:
            return False
        return True
