"""Who may be credited on which day, learnt from enrolment events that arrive in any order, late or twice."""

import random
from datetime import date, timedelta
from itertools import permutations

import pytest

from services.production.enrolments.domain import (
    EnrolmentEvent,
    EnrolmentRecord,
    Interval,
    Standing,
    active_on,
    learn,
    refusal,
    standing,
)
from shared.contracts.enrolment import (
    EnrolmentActivated,
    EnrolmentCompleted,
    EnrolmentEnded,
    EnrolmentResumed,
    EnrolmentSuspended,
)

PROGRAMME = "dkpp-hidroponik-2026"
IDS = {"enrolment_id": "e-1", "participant_id": "p-1", "cohort_id": "c-1", "programme_id": PROGRAMME}


def activated(on: date, **ids: str) -> EnrolmentActivated:
    return EnrolmentActivated(**{**IDS, **ids}, active_from=on)


def suspended(on: date) -> EnrolmentSuspended:
    return EnrolmentSuspended(**IDS, suspended_on=on, with_premi=False)


def resumed(on: date) -> EnrolmentResumed:
    return EnrolmentResumed(**IDS, resumed_on=on)


def completed(on: date) -> EnrolmentCompleted:
    return EnrolmentCompleted(**IDS, completed_on=on, attendance_rate=0.9)


def ended(on: date) -> EnrolmentEnded:
    return EnrolmentEnded(**IDS, ended_on=on, reason="dismissed")


def applied(events: list[tuple[int, EnrolmentEvent]]) -> EnrolmentRecord:
    record: EnrolmentRecord | None = None
    for sequence, event in events:
        record = learn(record, event, sequence=sequence)
    assert record is not None
    return record


def dec(day: int) -> date:
    return date(2026, 12, day)


HISTORY: list[tuple[int, EnrolmentEvent]] = [
    (2, activated(dec(1))),
    (3, suspended(dec(10))),
    (4, resumed(dec(15))),
    (5, completed(dec(20))),
]


def test_a_history_gives_its_active_days_with_the_suspension_day_out_and_the_completion_day_in() -> None:
    record = applied(HISTORY)
    assert record.intervals == [Interval(dec(1), dec(9)), Interval(dec(15), dec(20))]
    active = [day for day in range(1, 31) if active_on(record, dec(day))]
    assert active == [*range(1, 10), *range(15, 21)]


@pytest.mark.parametrize("order", list(permutations(HISTORY)))
def test_the_same_events_in_any_order_give_the_same_record(order: tuple[tuple[int, EnrolmentEvent], ...]) -> None:
    assert applied(list(order)) == applied(HISTORY)


def test_repeated_events_even_replayed_under_new_ids_change_nothing() -> None:
    once = applied(HISTORY)
    assert applied(HISTORY + HISTORY[::-1] + [HISTORY[1]]) == once
    assert learn(once, HISTORY[0][1], sequence=2) == once


def test_a_late_activation_reopens_what_a_later_event_already_said() -> None:
    early = applied([(3, suspended(dec(10)))])
    assert early.intervals == []
    assert applied([(3, suspended(dec(10))), (2, activated(dec(1)))]).intervals == [Interval(dec(1), dec(9))]


def test_an_open_enrolment_is_active_from_its_activation_day_onwards() -> None:
    record = applied([(2, activated(dec(5)))])
    assert record.intervals == [Interval(dec(5), None)]
    assert not active_on(record, dec(4))
    assert active_on(record, dec(5))
    assert active_on(record, date(2027, 6, 1))


def test_activated_and_suspended_on_one_day_was_never_active() -> None:
    assert applied([(2, activated(dec(5))), (3, suspended(dec(5)))]).intervals == []


def test_refusals_say_why_on_each_side_of_every_boundary() -> None:
    records = [applied([(2, activated(dec(5))), (3, suspended(dec(10))), (4, resumed(dec(12))), (5, ended(dec(18)))])]

    def why(day: int) -> str | None:
        return refusal(records, programme_id=PROGRAMME, day=dec(day))

    assert why(4) == "not yet active: active from 2026-12-05"
    assert why(5) is None
    assert why(9) is None
    assert why(10) == "suspended on 2026-12-10"
    assert why(11) == "suspended on 2026-12-10"
    assert why(12) is None
    assert why(18) is None
    assert why(19) == "enrolment ended on 2026-12-18"
    assert refusal(records, programme_id="perikanan-lele-2026", day=dec(9)) == "was never active in this programme"
    assert refusal([], programme_id=PROGRAMME, day=dec(9)) == "was never active in this programme"


def test_a_completed_enrolment_is_refused_after_its_completion_day() -> None:
    records = [applied([(2, activated(dec(1))), (3, completed(dec(20)))])]
    assert refusal(records, programme_id=PROGRAMME, day=dec(20)) is None
    assert refusal(records, programme_id=PROGRAMME, day=dec(21)) == "enrolment completed on 2026-12-20"


def test_any_active_enrolment_in_the_programme_is_enough() -> None:
    first = applied([(2, activated(dec(1))), (3, completed(dec(10)))])
    second = learn(None, activated(dec(15), enrolment_id="e-2", cohort_id="c-2"), sequence=2)
    assert refusal([first, second], programme_id=PROGRAMME, day=dec(16)) is None
    assert refusal([first, second], programme_id=PROGRAMME, day=dec(12)) == "enrolment completed on 2026-12-10"


def test_random_histories_agree_in_every_order_and_refuse_exactly_the_inactive_days() -> None:
    chooser = random.Random(4)
    for _ in range(200):
        history = _random_history(chooser)
        shuffled = history * 2
        chooser.shuffle(shuffled)
        record = applied(shuffled)
        assert record == applied(history)
        for offset in range(-2, 40):
            day = dec(1) + timedelta(days=offset)
            expected = _active_by_history(history, day)
            assert active_on(record, day) == expected, (history, day)
            assert (refusal([record], programme_id=PROGRAMME, day=day) is None) == expected, (history, day)


def _active_by_history(history: list[tuple[int, EnrolmentEvent]], day: date) -> bool:
    """The oracle, read off the history alone: replay the events in sequence order, each taking effect from its
    day: active from an activation's or a resumption's day, inactive from a suspension's day, and inactive from
    the day after a completion or an end (that day itself still counts)."""
    active = False
    for _, event in sorted(history, key=lambda numbered: numbered[0]):
        match event:
            case EnrolmentActivated(active_from=starts) | EnrolmentResumed(resumed_on=starts):
                active = True if starts <= day else active
            case EnrolmentSuspended(suspended_on=stops):
                active = False if stops <= day else active
            case EnrolmentCompleted(completed_on=last) | EnrolmentEnded(ended_on=last):
                active = False if last < day else active
    return active


def _random_history(chooser: random.Random) -> list[tuple[int, EnrolmentEvent]]:
    """Activation, then suspensions and resumptions in turn, maybe an end; days never go backwards."""
    day = dec(1) + timedelta(days=chooser.randint(0, 5))
    events: list[tuple[int, EnrolmentEvent]] = [(2, activated(day))]
    running = True
    for sequence in range(3, 3 + chooser.randint(0, 5)):
        day += timedelta(days=chooser.randint(0, 4))
        events.append((sequence, suspended(day) if running else resumed(day)))
        running = not running
    if chooser.random() < 0.6:
        day += timedelta(days=chooser.randint(0, 4))
        events.append((len(events) + 2, chooser.choice([completed, ended])(day)))
    return events


def test_only_cohorts_at_the_sites_facility_count_and_an_unknown_cohort_is_not_held_against_anyone() -> None:
    serang = learn(None, activated(dec(1), enrolment_id="e-1", cohort_id="c-serang"), sequence=2)
    cilegon = learn(None, activated(dec(1), enrolment_id="e-2", cohort_id="c-cilegon"), sequence=2)
    facilities = {"c-serang": "rutan-serang", "c-cilegon": "lapas-cilegon"}

    def at_serang(records: list[EnrolmentRecord], known: dict[str, str]) -> Standing:
        return standing(
            records, programme_id=PROGRAMME, day=dec(5), facility_id="rutan-serang", cohort_facilities=known
        )

    assert at_serang([cilegon, serang], facilities) == Standing("c-serang", None)
    refused = "trains in this programme at lapas-cilegon, not at rutan-serang"
    assert at_serang([cilegon], facilities) == Standing(None, refused)
    assert at_serang([cilegon], {}) == Standing("c-cilegon", None)
    assert refusal([cilegon], programme_id=PROGRAMME, day=dec(5)) is None
