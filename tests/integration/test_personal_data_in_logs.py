"""No log line of any service, at any level, carries a participant's name, NIK or registration number."""

import logging
import random
from collections.abc import Iterator

import httpx
import pytest

from deploy.demo_data import PARTICIPANTS, load_participants, load_training, registration, run_training
from deploy.demo_season import load_season
from shared.http.logs import JsonFormatter
from tests.support.services import RunningService


class Kept(logging.Handler):
    """Every record, formatted as the services write them."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter("any"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    root, kept = logging.getLogger(), Kept()
    level = root.level
    root.addHandler(kept)
    root.setLevel(logging.DEBUG)
    yield kept.lines
    root.removeHandler(kept)
    root.setLevel(level)


def demo_personal_data() -> set[str]:
    rng = random.Random(2026)  # as the demo loader draws them
    people = [registration(index, rng) for index in range(1, PARTICIPANTS + 1)]
    return {person[field] for person in people for field in ("full_name", "nik", "registration_number")}


async def test_the_demo_flows_and_searches_log_no_personal_data(
    enrolment: RunningService, production: RunningService, log_lines: list[str]
) -> None:
    enrolment_admin, production_admin = await enrolment.mint_key("admin"), await production.mint_key("admin")
    personal = demo_personal_data()
    someone = registration(1, random.Random(2026))
    async with httpx.AsyncClient(base_url=enrolment.base_url, headers=enrolment_admin, timeout=30) as client:
        in_custody, _ = await load_participants(client)
        cohorts = await load_training(client, in_custody)
        await run_training(client, cohorts)
        await load_participants(client)  # every registration again: 409s naming the field, not the person
        for words in (someone["full_name"], someone["nik"], someone["registration_number"]):
            assert (await client.post("/participants/search", json={"q": words})).status_code == 200
            await client.get("/participants", params={"q": words})  # a query string is never logged
        wrong = {**someone, "nik": someone["nik"] + "x", "date_of_birth": "not a date"}
        assert (await client.post("/participants", json=wrong)).status_code == 422
    programmes = {cohort.agency_id: cohort.programme_id for cohort in cohorts}
    trainees = {cohort.agency_id: [e["participant_id"] for e in cohort.enrolments] for cohort in cohorts}
    async with httpx.AsyncClient(base_url=production.base_url, headers=production_admin, timeout=30) as client:
        await load_season(client, programmes, trainees)

    assert len(log_lines) > PARTICIPANTS, "every request leaves an access line"
    leaks = [line for line in log_lines if any(value in line for value in personal)]
    assert leaks == []
