"""The one table of the marketplace's reactions: each contract it consumes, and the reaction that receives it.

Every reaction keeps a read model (lots, sites, programmes, sources, parties) in its own package's handlers;
what its learning does to listings and settlements is the function given to it here. Listings and settlement
read those read models, so a read model never imports them: this table is the one place that knows both."""

from functools import partial

from services.marketplace.listings import handlers as listings
from services.marketplace.lots.handlers import dispose_of_lot, reduce_lot, stock_lot
from services.marketplace.orders.handlers import cancel_refused, learn_reservation
from services.marketplace.parties.handlers import learn_agency, learn_facility
from services.marketplace.programmes.handlers import learn_programme
from services.marketplace.settlement.handlers import pay_pending
from services.marketplace.sites.handlers import learn_site
from services.marketplace.sources.handlers import learn_batch, learn_harvest
from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered, ProgrammePublished, ProgrammeUpdated
from shared.contracts.production import (
    BatchProduced,
    HarvestRecorded,
    LotDisposed,
    LotDistributed,
    LotHoldAccepted,
    LotHoldRefused,
    LotReleasedForSale,
    LotWrittenOff,
    SiteRegistered,
)
from shared.messaging.reactions import On, Reactions

REACTIONS = Reactions(
    On(FacilityRegistered, partial(learn_facility, refresh=listings.refresh_listings_at)),
    On(AgencyRegistered, partial(learn_agency, refresh=listings.refresh_listings_of_agency)),
    On(ProgrammePublished, partial(learn_programme, refresh=listings.refresh_listings_of_programme)),
    On(ProgrammeUpdated, partial(learn_programme, refresh=listings.refresh_listings_of_programme)),
    On(SiteRegistered, partial(learn_site, place=listings.place_lots_at)),
    On(HarvestRecorded, partial(learn_harvest, refresh=listings.refresh_listings_of_source, pay=pay_pending)),
    On(BatchProduced, partial(learn_batch, refresh=listings.refresh_listings_of_source, pay=pay_pending)),
    On(LotReleasedForSale, partial(stock_lot, place=listings.place_lot)),
    On(LotDistributed, partial(reduce_lot, restock=listings.restock_lot)),
    On(LotWrittenOff, partial(reduce_lot, restock=listings.restock_lot)),
    On(LotDisposed, partial(dispose_of_lot, restock=listings.restock_lot)),
    On(LotHoldAccepted, learn_reservation),
    On(LotHoldRefused, cancel_refused),
)
