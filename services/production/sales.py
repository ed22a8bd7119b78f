"""Marketplace sales accounted on lots: once per sale, exactly in the lot's unit, within the balance; pure."""

from dataclasses import replace

from services.production.lots import DispositionKind, Lot, dispose
from shared.errors import Conflict
from shared.events.marketplace import LotSold


class NotForSale(Conflict):
    """Only a lot released for sale can be sold."""


def account_sale(lot: Lot, sale: LotSold) -> Lot | None:
    """The lot with the sale taken as a `sold` disposition; None when this sale is already accounted.

    Raises OverBalance beyond what the lot holds, IncompatibleUnits or UnknownUnit for a unit that does not
    convert exactly to the lot's, NonPositiveQuantity, and NotForSale for a lot never released for sale.
    """
    if any(taken.sale_id == sale.sale_id for taken in lot.dispositions):
        return None
    if not lot.released_for_sale:
        raise NotForSale(f"Lot {lot.lot_code} was never released for sale.", field="lot_id")
    sold, _ = dispose(lot, kind=DispositionKind.SOLD, amount=sale.quantity, unit=sale.unit, on=sale.sold_on)
    *earlier, taken = sold.dispositions
    return replace(sold, dispositions=(*earlier, replace(taken, sale_id=sale.sale_id)))
