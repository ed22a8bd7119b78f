"""Production's read model of participants follows events that arrive late or twice."""

from services.production.participants.domain import CustodyStatus, KnownParticipant, learn


def known(sequence: int, status: CustodyStatus = CustodyStatus.IN_CUSTODY) -> KnownParticipant:
    return KnownParticipant(id="p-1", facility_id="rutan-serang", status=status, sequence=sequence)


def test_the_first_event_is_learnt() -> None:
    assert learn(None, known(1)) == known(1)


def test_a_later_event_replaces_an_earlier_one() -> None:
    assert learn(known(1), known(2, CustodyStatus.RELEASED)) == known(2, CustodyStatus.RELEASED)


def test_a_late_or_repeated_event_changes_nothing() -> None:
    assert learn(known(2, CustodyStatus.RELEASED), known(1)) is None
    assert learn(known(2), known(2)) is None


def test_each_enrolment_event_says_where_the_participant_is() -> None:
    from datetime import UTC, date, datetime

    from services.production.participants.domain import as_known
    from shared.contracts.enrolment import ParticipantRegistered, ParticipantReleased, ParticipantTransferred

    registered = ParticipantRegistered(
        participant_id="p-1", facility_id="rutan-serang", registered_at=datetime.now(UTC)
    )
    released = ParticipantReleased(participant_id="p-1", facility_id="rutan-serang", released_on=date(2026, 12, 1))
    moved = ParticipantTransferred(
        participant_id="p-1",
        from_facility_id="rutan-serang",
        to_facility_id="lapas-cilegon",
        transferred_on=date(2026, 12, 1),
    )
    assert as_known(registered, sequence=1) == known(1)
    assert as_known(released, sequence=2) == known(2, CustodyStatus.RELEASED)
    assert as_known(moved, sequence=2) == KnownParticipant("p-1", "lapas-cilegon", CustodyStatus.TRANSFERRED, 2)
