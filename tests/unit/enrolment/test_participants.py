"""Participant rules, pure."""

from datetime import date

import pytest

from services.enrolment.participants import domain
from services.enrolment.participants.domain import ParticipantStatus, SecurityClassification
from tests.support.participants import register


def test_the_registered_event_carries_the_opaque_id_and_nothing_personal() -> None:
    participant, event = domain.register_participant(
        domain.Registration(
            facility_id="rutan-serang",
            registration_number="BI.1",
            full_name="Ahmad",
            nik="3604011203900001",
            date_of_birth=date(1990, 3, 12),
            sentence_start=date(2025, 6, 1),
            expected_release=date(2028, 5, 31),
            security_classification=SecurityClassification.MINIMUM,
        )
    )
    published = event.model_dump_json()
    assert participant.id in published
    for personal in ("Ahmad", "3604011203900001", "BI.1", "1990"):
        assert personal not in published


@pytest.mark.parametrize("nik", ["123", "36040112039000012", "360401120390000A", ""])
def test_a_nik_is_sixteen_digits(nik: str) -> None:
    with pytest.raises(domain.InvalidNik):
        register(nik=nik)


def test_release_cannot_precede_the_sentence() -> None:
    with pytest.raises(domain.ReleaseBeforeSentenceStart) as refused:
        register(sentence_start=date(2026, 1, 1), expected_release=date(2025, 12, 31))
    assert refused.value.field == "expected_release"


def test_release_and_transfer_advance_the_version_and_end_custody() -> None:
    released, event = domain.release(register(), released_on=date(2026, 12, 1))
    assert (released.status, released.version) == (ParticipantStatus.RELEASED, 2)
    assert event.released_on == date(2026, 12, 1)
    with pytest.raises(domain.NotInCustody):
        domain.transfer(released, to_facility_id="lapas-cilegon", transferred_on=date(2026, 12, 2))


def test_a_transfer_names_another_facility() -> None:
    with pytest.raises(domain.TransferToSameFacility):
        domain.transfer(register(), to_facility_id="rutan-serang", transferred_on=date(2026, 12, 2))


def test_the_latest_behaviour_assessment_is_kept_and_an_older_one_refused() -> None:
    participant = register(behaviour_score=55, behaviour_assessed_on=date(2026, 8, 31))
    today = date(2026, 11, 30)
    assessed = domain.assess_behaviour(
        participant, score=80, assessed_on=date(2026, 11, 30), classification=None, today=today
    )
    assert (assessed.behaviour_score, assessed.behaviour_assessed_on) == (80, date(2026, 11, 30))
    assert (assessed.security_classification, assessed.version) == (SecurityClassification.MINIMUM, 2)
    corrected = domain.assess_behaviour(
        assessed, score=78, assessed_on=today, classification=SecurityClassification.MEDIUM, today=today
    )
    assert (corrected.behaviour_score, corrected.security_classification) == (78, SecurityClassification.MEDIUM)
    with pytest.raises(domain.OlderAssessment):
        domain.assess_behaviour(corrected, score=90, assessed_on=date(2026, 9, 30), classification=None, today=today)
    with pytest.raises(domain.AssessedInFuture):
        domain.assess_behaviour(corrected, score=90, assessed_on=date(2026, 12, 1), classification=None, today=today)
    released, _ = domain.release(corrected, released_on=today)
    with pytest.raises(domain.NotInCustody):
        domain.assess_behaviour(released, score=90, assessed_on=today, classification=None, today=today)


FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + digit) for digit in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + digit) for digit in range(10)))
EXTENDED_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x06F0 + digit) for digit in range(10)))


@pytest.mark.parametrize(
    "written", ["3604011203900001\n", " 3604011203900001 ", "3604011203900001".translate(FULLWIDTH)]
)
def test_a_nik_is_kept_as_its_sixteen_ascii_digits_however_it_was_written(written: str) -> None:
    assert register(nik=written).nik == "3604011203900001"


@pytest.mark.parametrize(
    "nik",
    [
        "3604011203900001".translate(ARABIC_INDIC),
        "3604011203900001".translate(EXTENDED_ARABIC_INDIC),
        "3604011203900001\n1",
    ],
)
def test_a_nik_in_other_digits_is_refused(nik: str) -> None:
    with pytest.raises(domain.InvalidNik):
        register(nik=nik)


def test_a_registration_number_is_trimmed_and_never_only_spaces() -> None:
    assert register(registration_number=" BI.1\t").registration_number == "BI.1"
    with pytest.raises(domain.InvalidInput) as refused:
        register(registration_number="  ")
    assert refused.value.field == "registration_number"
