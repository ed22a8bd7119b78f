"""A key's attributes limit its reach: an empty one is refused at minting and never read as "everywhere"."""

import pytest

from shared.http.api_keys import API_KEYS, ApiKeys, EmptyAttribute
from tests.support.enrolment import STAFF_SCOPES, registered_participant
from tests.support.services import RunningService


@pytest.mark.parametrize("value", ["", "  "])
async def test_a_key_is_not_minted_with_an_empty_attribute(enrolment: RunningService, value: str) -> None:
    keys = ApiKeys(enrolment.runtime.database.db)
    with pytest.raises(EmptyAttribute) as refused:
        await keys.mint(name="officer", scopes=["participants:read"], attributes={"facility_id": value})
    assert refused.value.field == "facility_id"


async def test_a_stored_key_with_an_empty_facility_reads_no_participants(enrolment: RunningService) -> None:
    staff = await enrolment.mint_key(*STAFF_SCOPES)
    await registered_participant(enrolment, staff)
    officer = await enrolment.mint_key("participants:read", facility_id="rutan-serang")
    key_id = officer["X-API-Key"].split(".")[1]
    # as a key minted before minting refused empty values was stored
    emptied = {"$set": {"attributes": {"facility_id": ""}}}
    await enrolment.runtime.database.db[API_KEYS].update_one({"_id": key_id}, emptied)

    response = await enrolment.http.get("/participants", headers=officer)
    assert response.status_code == 401, response.text
