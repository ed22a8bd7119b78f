"""Aggregate figures for partner agencies and the directorate: counts only, never a name or a NIK; pure, no I/O."""

from dataclasses import dataclass

ENROLLED = ("approved", "active", "suspended", "completed", "ended")


@dataclass(frozen=True)
class Figures:
    """`completion_rate` is completed over enrolments that finished (completed or ended); None before any did."""

    programme_id: str
    enrolled: int
    in_training: int
    completed: int
    ended: int
    waitlisted: int

    @property
    def completion_rate(self) -> float | None:
        finished = self.completed + self.ended
        return self.completed / finished if finished else None


def from_counts(programme_id: str, counts: dict[str, int]) -> Figures:
    """A programme's figures from its count of enrolments in each state."""
    return Figures(
        programme_id=programme_id,
        enrolled=sum(counts.get(state, 0) for state in ENROLLED),
        in_training=counts.get("active", 0) + counts.get("suspended", 0),
        completed=counts.get("completed", 0),
        ended=counts.get("ended", 0),
        waitlisted=counts.get("waitlisted", 0),
    )
