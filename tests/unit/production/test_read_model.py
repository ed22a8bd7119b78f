"""Production's read model of participants follows events that arrive late or twice."""

from services.production.domain import CustodyStatus, KnownParticipant, learn


def known(sequence: int, status: CustodyStatus = CustodyStatus.IN_CUSTODY) -> KnownParticipant:
    return KnownParticipant(id="p-1", facility_id="rutan-serang", status=status, sequence=sequence)


def test_the_first_event_is_learnt() -> None:
    assert learn(None, known(1)) == known(1)


def test_a_later_event_replaces_an_earlier_one() -> None:
    assert learn(known(1), known(2, CustodyStatus.RELEASED)) == known(2, CustodyStatus.RELEASED)


def test_a_late_or_repeated_event_changes_nothing() -> None:
    assert learn(known(2, CustodyStatus.RELEASED), known(1)) is None
    assert learn(known(2), known(2)) is None
