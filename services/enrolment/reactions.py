"""The enrolment service's one table of reactions: each event contract it consumes, and what it does."""

from services.enrolment.records import handlers as records
from shared.contracts.marketplace import PremiSettled
from shared.messaging.reactions import On, Reactions

REACTIONS = Reactions(On(PremiSettled, records.record_premi))
