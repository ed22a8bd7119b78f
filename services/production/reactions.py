"""The one table of production's reactions: each contract it consumes, and the reaction that receives it."""

from services.production.enrolments.handlers import learn_cohort, learn_enrolment
from services.production.lots.handlers import account_order_sale, account_sale, hold_for_order, release_order_hold
from services.production.participants.handlers import learn_participant
from services.production.programmes.handlers import learn_programme
from shared.contracts.enrolment import (
    CohortOpened,
    EnrolmentActivated,
    EnrolmentCompleted,
    EnrolmentEnded,
    EnrolmentResumed,
    EnrolmentSuspended,
    ParticipantRegistered,
    ParticipantReleased,
    ParticipantTransferred,
    ProgrammePublished,
    ProgrammeUpdated,
)
from shared.contracts.marketplace import LotHeld, LotHoldReleased, LotSold, LotSoldToOrder
from shared.messaging.reactions import On, Reactions

REACTIONS = Reactions(
    On(ParticipantRegistered, learn_participant),
    On(ParticipantReleased, learn_participant),
    On(ParticipantTransferred, learn_participant),
    On(EnrolmentActivated, learn_enrolment),
    On(EnrolmentSuspended, learn_enrolment),
    On(EnrolmentResumed, learn_enrolment),
    On(EnrolmentCompleted, learn_enrolment),
    On(EnrolmentEnded, learn_enrolment),
    On(CohortOpened, learn_cohort),
    On(ProgrammePublished, learn_programme),
    On(ProgrammeUpdated, learn_programme),
    On(LotSold, account_sale),
    On(LotSoldToOrder, account_order_sale),
    On(LotHeld, hold_for_order),
    On(LotHoldReleased, release_order_hold),
)
