"""Settling a fulfilled order: each programme's proceeds split into premi, state non-tax revenue (PNBP) and
working capital by the programme's terms, and each lot's premi divided among the participants credited in its
production by their hours, all to the rupiah (largest remainder), so no rupiah is lost or invented; pure.

A lot whose production's credits are not known yet keeps its premi pending until they are."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, TypeVar
from uuid import NAMESPACE_URL, uuid5

from shared.contracts.marketplace import PremiSettled, SaleSettled, Split
from shared.errors import InvalidInput

Key = TypeVar("Key")


def shares(total: int, weights: dict[Key, Decimal]) -> dict[Key, int]:
    """`total` divided in proportion to `weights` (all above zero), in whole rupiah that sum to `total` exactly.

    Each share is first rounded down; the rupiah left go one each to the largest remainders, ties to the key
    that sorts first, so the same inputs always give the same shares.
    """
    if not weights:
        raise ValueError("nothing to divide among")
    whole = sum(weights.values(), Decimal(0))
    exact = {key: Decimal(total) * weight / whole for key, weight in weights.items()}
    floors = {key: int(amount.to_integral_value(rounding="ROUND_FLOOR")) for key, amount in exact.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), str(key)))
    for key in by_remainder[:left]:
        floors[key] += 1
    return floors


def rupiah(amount: Decimal) -> int:
    """An amount rounded half up to the whole rupiah."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


Hours = dict[str, Decimal]
"""Participant id -> hours credited in one harvest or batch."""


class TermsNotWhole(InvalidInput):
    """A programme's terms are whole percentages, none below zero, that add up to 100."""


@dataclass(frozen=True)
class Terms:
    premi: int = 50
    pnbp: int = 15
    working_capital: int = 35

    def __post_init__(self) -> None:
        parts = (self.premi, self.pnbp, self.working_capital)
        if min(parts) < 0 or sum(parts) != 100:
            raise TermsNotWhole("Premi, PNBP and working capital add up to 100 percent.", field="premi")

    def split(self, amount: int) -> dict[str, int]:
        weights = {name: Decimal(value) for name, value in vars(self).items() if value > 0}
        return {"premi": 0, "pnbp": 0, "working_capital": 0} | shares(amount, weights)


@dataclass(frozen=True)
class Settlement:
    id: str
    order_id: str
    programme_id: str
    agency_id: str | None
    proceeds: int
    premi: int
    pnbp: int
    working_capital: int
    terms: Terms
    settled_on: date
    paid: dict[str, int] = field(default_factory=dict)
    """Participant id -> premi fixed for them."""
    pending: dict[str, int] = field(default_factory=dict)
    """Harvest or batch id -> premi waiting for its credits to be learnt."""


class SoldLot(Protocol):
    """What a fulfilled order took of one lot: its programme, its source, and the rupiah it took."""

    @property
    def programme_id(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def amount(self) -> int: ...


class SoldLine(Protocol):
    @property
    def allocations(self) -> Sequence[SoldLot]: ...


class Sale(Protocol):
    """A fulfilled order, as settlement reads it (`orders.domain.Order` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def lines(self) -> Sequence[SoldLine]: ...
    @property
    def programme_ids(self) -> list[str]: ...


def settle(
    order: Sale, *, terms: dict[str, Terms], hours: dict[str, Hours], agencies: dict[str, str], on: date
) -> list[Settlement]:
    """One settlement per programme whose lots the order sold."""
    by_programme: dict[str, list[SoldLot]] = {}
    for allocation in (each for line in order.lines for each in line.allocations):
        by_programme.setdefault(allocation.programme_id, []).append(allocation)
    return [
        _settle(order.id, programme_id, taken, terms.get(programme_id, Terms()), hours, agencies.get(programme_id), on)
        for programme_id, taken in sorted(by_programme.items())
    ]


def _settle(
    order_id: str, programme_id: str, taken: list[SoldLot], terms: Terms, hours: dict[str, Hours],
    agency_id: str | None, on: date,
) -> Settlement:  # fmt: skip
    totals = {"premi": 0, "pnbp": 0, "working_capital": 0}
    premi_of_source: dict[str, int] = {}
    for allocation in taken:
        parts = terms.split(allocation.amount)
        totals = {name: totals[name] + parts[name] for name in totals}
        premi_of_source[allocation.source_id] = premi_of_source.get(allocation.source_id, 0) + parts["premi"]
    settlement_id = str(uuid5(NAMESPACE_URL, f"urn:pembinaan:settlement:{order_id}:{programme_id}"))
    proceeds = sum(allocation.amount for allocation in taken)
    pending = {source: premi for source, premi in premi_of_source.items() if premi}
    settlement = Settlement(
        settlement_id, order_id, programme_id, agency_id, proceeds, totals["premi"], totals["pnbp"],
        totals["working_capital"], terms, on, pending=pending,
    )  # fmt: skip
    for source_id in sorted(settlement.pending):
        if hours.get(source_id):
            settlement, _ = pay_pending(settlement, source_id, hours[source_id])
    return settlement


def pay_pending(settlement: Settlement, source_id: str, hours: Hours) -> tuple[Settlement, dict[str, int]]:
    """The settlement with the premi pending for `source_id` divided among its credited participants."""
    owed = settlement.pending.get(source_id, 0)
    worked = {participant: spent for participant, spent in hours.items() if spent > 0}
    if not owed or not worked:
        return settlement, {}
    paid_now = shares(owed, worked)
    paid = dict(settlement.paid)
    for participant, amount in paid_now.items():
        paid[participant] = paid.get(participant, 0) + amount
    pending = {source: premi for source, premi in settlement.pending.items() if source != source_id}
    return replace(settlement, paid=paid, pending=pending), paid_now


def payment_id(settlement: Settlement, source_id: str | None) -> str:
    """The id premi is settled under: the settlement's at fulfilment, one per source paid later (each
    participant's line is recorded once per id)."""
    if source_id is None:
        return settlement.id
    return str(uuid5(NAMESPACE_URL, f"urn:pembinaan:settlement:{settlement.id}:{source_id}"))


def sale_settled(settlement: Settlement) -> SaleSettled:
    return SaleSettled(
        settlement_id=settlement.id,
        order_id=settlement.order_id,
        programme_id=settlement.programme_id,
        agency_id=settlement.agency_id,
        proceeds=settlement.proceeds,
        split=Split(premi=settlement.premi, pnbp=settlement.pnbp, working_capital=settlement.working_capital),
        percent=Split(**vars(settlement.terms)),
        settled_on=settlement.settled_on,
    )


def premi_settled(settlement: Settlement, payment_id: str, paid: dict[str, int]) -> list[PremiSettled]:
    """One event per participant paid, in the order of their ids (each at its place in that order, from 2)."""
    return [
        PremiSettled(
            settlement_id=payment_id,
            participant_id=participant_id,
            programme_id=settlement.programme_id,
            amount=amount,
            settled_on=settlement.settled_on,
        )
        for participant_id, amount in sorted(paid.items())
    ]


def settled(settlement: Settlement) -> list[SaleSettled | PremiSettled]:
    """What a new settlement tells: the sale settled, and the premi fixed for each participant at once."""
    return [sale_settled(settlement), *premi_settled(settlement, settlement.id, settlement.paid)]
