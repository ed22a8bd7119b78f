"""Contracts of the events the enrolment service publishes. Participants appear only by opaque id."""

from datetime import date, datetime

from pydantic import Field

from shared.messaging.registry import EventData, contract

TOPIC = "enrolment.events"


@contract("enrolment.participant.registered", version=1)
class ParticipantRegistered(EventData):
    """A facility registered a participant (WBP) in the programme. No personal data: only the opaque id."""

    participant_id: str = Field(description="Opaque participant id; personal data stays in enrolment")
    facility_id: str = Field(description="The facility (Rutan / Lapas) holding the participant")
    registered_at: datetime


@contract("enrolment.participant.released", version=1)
class ParticipantReleased(EventData):
    """A participant left custody; their active enrolments end and their training record goes with them."""

    participant_id: str
    facility_id: str
    released_on: date


@contract("enrolment.participant.transferred", version=1)
class ParticipantTransferred(EventData):
    """A participant moved to another facility."""

    participant_id: str
    from_facility_id: str
    to_facility_id: str
    transferred_on: date


@contract("enrolment.programme.published", version=1)
class ProgrammePublished(EventData):
    """A partner agency's training programme was published and can open cohorts."""

    programme_id: str
    agency_id: str
    name: str
    skill_track: str
    duration_hours: int
    sessions: int
    competencies: list[str]
    earns_premi: bool


@contract("enrolment.cohort.opened", version=1)
class CohortOpened(EventData):
    """A run of a programme opened for enrolment, with its dates, capacity and place."""

    cohort_id: str
    programme_id: str
    agency_id: str
    facility_id: str
    starts_on: date
    ends_on: date
    capacity: int
    place: str


@contract("enrolment.enrolment.approved", version=1)
class EnrolmentApproved(EventData):
    """A participant took a place in a cohort, at request or promoted from the waiting list."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    from_waitlist: bool


@contract("enrolment.enrolment.waitlisted", version=1)
class EnrolmentWaitlisted(EventData):
    """A participant passed screening for a full cohort and joined its waiting list."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    position: int


@contract("enrolment.enrolment.rejected", version=1)
class EnrolmentRejected(EventData):
    """A request failed screening; `failed_rules` names every rule that failed (no personal data)."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    failed_rules: list[str]


@contract("enrolment.enrolment.withdrawn", version=1)
class EnrolmentWithdrawn(EventData):
    """An approved or waitlisted enrolment was withdrawn, by the participant or by staff."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    withdrawn_by: str
    place_freed: bool


@contract("enrolment.cohort.started", version=1)
class CohortStarted(EventData):
    """A cohort's training began; its approved enrolments became active."""

    cohort_id: str
    programme_id: str
    started_on: date
    active_enrolment_ids: list[str]


@contract("enrolment.enrolment.activated", version=1)
class EnrolmentActivated(EventData):
    """A participant began training in a cohort: production may credit them from `active_from`."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    active_from: date


@contract("enrolment.enrolment.completed", version=1)
class EnrolmentCompleted(EventData):
    """A participant completed a programme: attendance met and every competency passed."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    completed_on: date
    attendance_rate: float


@contract("enrolment.certificate.issued", version=1)
class CertificateIssued(EventData):
    """A competency certificate was issued; its number can be verified publicly."""

    certificate_number: str
    enrolment_id: str
    participant_id: str
    programme_id: str
    agency_id: str
    issued_on: date


@contract("enrolment.enrolment.suspended", version=1)
class EnrolmentSuspended(EventData):
    """An active participant was suspended from `suspended_on`; `with_premi` says whether premi still accrues."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    suspended_on: date
    with_premi: bool


@contract("enrolment.enrolment.resumed", version=1)
class EnrolmentResumed(EventData):
    """A suspended participant resumed training on `resumed_on`."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    resumed_on: date


@contract("enrolment.enrolment.ended", version=1)
class EnrolmentEnded(EventData):
    """An active or suspended enrolment ended without completion; `reason` is one of not_completed,
    withdrawn_by_participant, withdrawn_by_staff, dismissed, health, security, released, transferred."""

    enrolment_id: str
    participant_id: str
    cohort_id: str
    programme_id: str
    ended_on: date
    reason: str


@contract("enrolment.programme.updated", version=1)
class ProgrammeUpdated(EventData):
    """A published programme's description changed; cohorts already open keep their dates and capacity."""

    programme_id: str
    agency_id: str
    name: str
    skill_track: str
    duration_hours: int
    sessions: int
    competencies: list[str]
    earns_premi: bool


@contract("enrolment.cohort.capacity_changed", version=1)
class CohortCapacityChanged(EventData):
    """A cohort's capacity changed; places added went to the head of the waiting list."""

    cohort_id: str
    programme_id: str
    capacity: int


@contract("enrolment.cohort.closed", version=1)
class CohortClosed(EventData):
    """A cohort closed: training that had not completed ended as not completed, the waiting list was cleared."""

    cohort_id: str
    programme_id: str
    closed_on: date


@contract("enrolment.facility.registered", version=1)
class FacilityRegistered(EventData):
    """A detention centre or prison joined the programme (the memorandum's own at the first start)."""

    facility_id: str
    name: str = Field(description="e.g. Rutan Kelas IIB Serang")
    kind: str = Field(description="rutan or lapas")
    regency: str


@contract("enrolment.agency.registered", version=1)
class AgencyRegistered(EventData):
    """A partner agency (OPD) or the corrections directorate joined the programme."""

    agency_id: str
    name: str = Field(description="e.g. Dinas Ketahanan Pangan dan Pertanian")
    short_name: str = Field(description="e.g. DKPP")
    regency: str
