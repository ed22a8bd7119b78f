"""Reactions that keep the marketplace's read model of lots released for sale, in any delivery order and however
often an event is read (a reduction is kept once per lot sequence); what a lot's change does to a listing is given
by the reactions table (`place`, `restock`), so that this read model, which listings read, never imports them."""

from collections.abc import Awaitable, Callable

from services.marketplace.lots import domain, store
from services.marketplace.lots.domain import Reduction, ReleasedLot
from shared.contracts.production import LotDisposed, LotDistributed, LotReleasedForSale, LotWrittenOff
from shared.messaging.envelope import Envelope
from shared.storage.database import Transaction

PlaceLot = Callable[[Transaction, ReleasedLot], Awaitable[None]]
"""Stock a listing with a lot released for sale."""
RestockLot = Callable[[Transaction, str], Awaitable[None]]
"""Bring a listing's stock of a lot up to date."""


async def stock_lot(tx: Transaction, envelope: Envelope, payload: LotReleasedForSale, *, place: PlaceLot) -> None:
    """Keep the lot released for sale, and stock its facility's listing of the product with it."""
    await place(tx, await store.learn_release(tx, payload, envelope.sequence))


async def reduce_lot(
    tx: Transaction, envelope: Envelope, payload: LotDistributed | LotWrittenOff, *, restock: RestockLot
) -> None:
    """Production took part of a lot: its listing's stock follows."""
    if await store.learn_reduction(tx, payload.lot_id, Reduction(envelope.id, envelope.sequence, payload.quantity)):
        await restock(tx, payload.lot_id)


async def dispose_of_lot(tx: Transaction, envelope: Envelope, payload: LotDisposed, *, restock: RestockLot) -> None:
    """Production disposed of part of a lot, or a reservation came back to it: its listing's stock follows."""
    taken = Reduction(envelope.id, envelope.sequence, domain.disposed(payload))
    if await store.learn_reduction(tx, payload.lot_id, taken):
        await restock(tx, payload.lot_id)
