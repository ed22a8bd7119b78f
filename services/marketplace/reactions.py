"""The one table of the marketplace's reactions: each contract it consumes, and the reaction that receives it."""

from services.marketplace.listings.learning import (
    lot_reduced,
    lot_released,
    programme_learnt,
    site_registered,
)
from services.marketplace.parties.handlers import agency_learnt, facility_learnt
from services.marketplace.sources.handlers import batch_learnt, harvest_learnt
from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered, ProgrammePublished, ProgrammeUpdated
from shared.contracts.production import (
    BatchProduced,
    HarvestRecorded,
    LotDisposed,
    LotDistributed,
    LotReleasedForSale,
    LotWrittenOff,
    SiteRegistered,
)
from shared.messaging.reactions import On, Reactions

REACTIONS = Reactions(
    On(FacilityRegistered, facility_learnt),
    On(AgencyRegistered, agency_learnt),
    On(ProgrammePublished, programme_learnt),
    On(ProgrammeUpdated, programme_learnt),
    On(SiteRegistered, site_registered),
    On(HarvestRecorded, harvest_learnt),
    On(BatchProduced, batch_learnt),
    On(LotReleasedForSale, lot_released),
    On(LotDistributed, lot_reduced),
    On(LotWrittenOff, lot_reduced),
    On(LotDisposed, lot_reduced),
)
