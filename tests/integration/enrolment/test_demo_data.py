"""The demo data of `make run` loads through the real API and leaves enrolments in every state."""

import httpx

from deploy.demo_data import PARTICIPANTS, load_participants, load_training, run_training, states_of
from tests.support.services import RunningService


async def test_the_demo_training_covers_every_enrolment_state_and_loads_once(enrolment: RunningService) -> None:
    admin = await enrolment.mint_key("admin")
    async with httpx.AsyncClient(base_url=enrolment.base_url, headers=admin, timeout=30) as client:
        in_custody, existing = await load_participants(client)
        cohorts = await load_training(client, in_custody)
        await run_training(client, cohorts)
        states = await states_of(client)
        assert await load_participants(client) == ([], PARTICIPANTS)

    assert set(states) == {"active", "suspended", "completed", "ended", "withdrawn", "rejected", "waitlisted"}
    assert existing == 0
    assert sum(states.values()) == len(in_custody)
    assert len(cohorts) == 3
