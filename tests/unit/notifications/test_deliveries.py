"""The order of an aggregate's deliveries to one endpoint; pure."""

from dataclasses import replace
from datetime import UTC, datetime

from services.notifications.deliveries.domain import State, holding, new_delivery

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_an_aggregates_later_deliveries_are_held_behind_its_first_and_behind_one_already_pending() -> None:
    def delivery(endpoint: str, subject: str, sequence: int) -> object:
        return new_delivery(
            endpoint_id=endpoint,
            owner_kind="agency",
            owner_id="dkpp",
            event_id=f"{subject}-{sequence}",
            event_type="production.lot.distributed",
            subject=subject,
            sequence=sequence,
            body="{}",
            now=NOW,
            missed=False,
        )

    made = [
        delivery("e1", "lot-1", 3),
        delivery("e1", "lot-1", 2),
        delivery("e2", "lot-1", 2),
        delivery("e1", "lot-2", 1),
    ]
    held = {(d.endpoint_id, d.subject, d.sequence): d.held for d in holding(made, set())}  # type: ignore[arg-type]
    assert held == {
        ("e1", "lot-1", 2): False,
        ("e1", "lot-1", 3): True,
        ("e2", "lot-1", 2): False,
        ("e1", "lot-2", 1): False,
    }
    behind = holding([made[3]], {("e1", "lot-2")})  # type: ignore[list-item]
    assert behind[0].held
    missed = replace(made[3], state=State.MISSED)  # type: ignore[type-var]
    assert not holding([missed], {("e1", "lot-2")})[0].held
