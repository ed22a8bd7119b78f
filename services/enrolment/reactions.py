"""The enrolment service's one table of reactions: each event contract it consumes, and what it does."""

from services.enrolment.records import handlers as records
from shared.consumer import On, Reactions
from shared.events.marketplace import PremiSettled

REACTIONS = Reactions(On(PremiSettled, records.record_premi))
