"""The enrolment service's one table of reactions: each event contract it consumes, and what it does."""

from services.enrolment.records import handlers as records
from shared.events.marketplace import PremiSettled
from shared.reactions import On, Reactions

REACTIONS = Reactions(On(PremiSettled, records.record_premi))
