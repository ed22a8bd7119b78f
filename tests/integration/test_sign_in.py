"""A person signed in at the real Keycloak reads with their token exactly what their reach allows."""

import httpx

from deploy.keycloak.realm import DEMO_PASSWORD
from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from tests.support.enrolment import STAFF_SCOPES, known_facility, registered_participant
from tests.support.infrastructure import Infrastructure
from tests.support.services import serving, settings_for


async def signed_in(infrastructure: Infrastructure, username: str) -> dict[str, str]:
    form = {"grant_type": "password", "client_id": "pembinaan-tests", "username": username, "password": DEMO_PASSWORD}
    url = f"{infrastructure.keycloak_url}/realms/pembinaan/protocol/openid-connect/token"
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(url, data=form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_the_serang_officer_signed_in_at_keycloak_reads_their_facilitys_participants_and_no_others(
    infrastructure: Infrastructure, namespace: str
) -> None:
    issuer = f"{infrastructure.keycloak_url}/realms/pembinaan"
    settings = settings_for(EnrolmentSettings, infrastructure, namespace, oidc_issuer=issuer)
    async with serving(create_enrolment(settings)) as enrolment:
        staff = await enrolment.mint_key(*STAFF_SCOPES)
        admin = await enrolment.mint_key("admin")
        here = await registered_participant(enrolment, staff, facility_id="rutan-serang")
        cilegon = await known_facility(enrolment, admin, "lapas-cilegon")
        elsewhere = await registered_participant(enrolment, staff, facility_id=cilegon)
        officer = await signed_in(infrastructure, "officer.serang")

        assert (await enrolment.http.get(f"/participants/{here}", headers=officer)).status_code == 200
        assert (await enrolment.http.get(f"/participants/{elsewhere}", headers=officer)).status_code == 404
        listed = (await enrolment.http.get("/participants", headers=officer)).json()["items"]
        assert {participant["id"] for participant in listed} == {here}

        tampered = {"Authorization": officer["Authorization"][:-4] + "AAAA"}
        refused = await enrolment.http.get(f"/participants/{here}", headers=tampered)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
