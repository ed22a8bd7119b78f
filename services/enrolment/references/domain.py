"""Facilities, partner agencies and skill tracks, the founding memorandum's from the start; pure, no I/O."""

import re
from dataclasses import dataclass
from enum import StrEnum

from shared.contracts.enrolment import AgencyRegistered, FacilityRegistered
from shared.errors import InvalidInput

SLUG = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")


class FacilityKind(StrEnum):
    RUTAN = "rutan"
    LAPAS = "lapas"


class InvalidReferenceId(InvalidInput):
    """Reference ids are lowercase words joined by dashes or underscores, e.g. rutan-serang."""


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    kind: FacilityKind
    regency: str


@dataclass(frozen=True)
class PartnerAgency:
    """An OPD or the corrections directorate."""

    id: str
    name: str
    short_name: str
    regency: str


@dataclass(frozen=True)
class SkillTrack:
    """A kind of training a programme belongs to, e.g. agriculture."""

    id: str
    name: str


FOUNDING_FACILITIES = (Facility("rutan-serang", "Rutan Kelas IIB Serang", FacilityKind.RUTAN, "Serang"),)
FOUNDING_AGENCIES = (
    PartnerAgency("dkpp", "Dinas Ketahanan Pangan dan Pertanian", "DKPP", "Serang"),
    PartnerAgency("dinas-perikanan", "Dinas Perikanan", "Dinas Perikanan", "Serang"),
    PartnerAgency("diskoperindag", "Dinas Koperasi, UMKM, Perindustrian dan Perdagangan", "Diskoperindag", "Serang"),
    PartnerAgency("ditjenpas", "Direktorat Jenderal Pemasyarakatan", "Ditjenpas", "Nasional"),
)


FOUNDING_SKILL_TRACKS = (
    SkillTrack("agriculture", "Pertanian dan ketahanan pangan"),
    SkillTrack("fisheries", "Perikanan"),
    SkillTrack("umkm_production", "Produksi UMKM"),
)


def checked_id(value: str, *, field: str) -> str:
    if not SLUG.match(value) or len(value) > 64:
        raise InvalidReferenceId("Use lowercase letters, digits and dashes, e.g. lapas-cilegon.", field=field)
    return value


def registered(party: Facility | PartnerAgency) -> FacilityRegistered | AgencyRegistered:
    """The event that tells other services a facility's or an agency's name (skill tracks stay here)."""
    if isinstance(party, Facility):
        return FacilityRegistered(facility_id=party.id, name=party.name, kind=party.kind.value, regency=party.regency)
    return AgencyRegistered(agency_id=party.id, name=party.name, short_name=party.short_name, regency=party.regency)
