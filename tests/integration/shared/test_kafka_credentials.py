"""A service logs in to a broker that asks for credentials; with a wrong password it publishes nothing,
keeps its events in the outbox, is not ready, and never writes the password anywhere."""

from collections.abc import Iterator

import pytest

from services.enrolment.main import EnrolmentSettings
from services.enrolment.main import create_app as create_enrolment
from shared.contracts import enrolment
from shared.messaging.kafka import new_consumer
from shared.settings import ServiceSettings
from tests.support.infrastructure import Infrastructure
from tests.support.outbox import published
from tests.support.participants import new_registration
from tests.support.private_servers import LocalServer, private_sasl_kafka
from tests.support.services import eventually, serving, settings_for

pytestmark = pytest.mark.outage
PASSWORD = "platform-password-9b1c"
WRONG_PASSWORD = "not-the-password-47ad"


@pytest.fixture(scope="module")
def broker() -> Iterator[LocalServer]:
    with private_sasl_kafka({"platform": PASSWORD}) as started:
        yield started


def enrolment_settings(
    broker: LocalServer, infrastructure: Infrastructure, namespace: str, *, password: str
) -> EnrolmentSettings:
    return settings_for(
        EnrolmentSettings,
        Infrastructure(broker.bootstrap_servers, infrastructure.mongodb_url),
        namespace,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="platform",
        kafka_sasl_password=password,
    )


async def test_a_service_with_the_platforms_credentials_publishes_what_a_consumer_with_them_reads(
    broker: LocalServer, infrastructure: Infrastructure, namespace: str
) -> None:
    settings = enrolment_settings(broker, infrastructure, namespace, password=PASSWORD)
    async with serving(create_enrolment(settings)) as enrolment:
        officer = await enrolment.mint_key("participants:write")
        response = await enrolment.http.post("/participants", json=new_registration(), headers=officer)
        assert response.status_code == 201, response.text
        participant_id = response.json()["id"]
        outbox = enrolment.runtime.database.db["outbox"]
        await eventually(lambda: published(outbox, {"key": participant_id}))
        readiness = await enrolment.http.get("/health/ready")
        assert readiness.json()["checks"]["kafka"] == "ok", readiness.text

    assert participant_id in await _subjects_read(settings, until_found=participant_id)


async def test_a_service_with_a_wrong_password_keeps_its_events_and_never_shows_the_password(
    broker: LocalServer, infrastructure: Infrastructure, namespace: str, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = enrolment_settings(broker, infrastructure, namespace, password=WRONG_PASSWORD)
    written: list[str] = []

    async def refused_twice() -> bool:
        # the service keeps retrying, backing off: a second refusal shows the first was not a fluke
        output = capfd.readouterr()  # which empties the capture: keep what it gave for the last look
        written.extend([output.out, output.err])
        return "".join(written).count("could not create topics") >= 2

    async with serving(create_enrolment(settings)) as enrolment:
        officer = await enrolment.mint_key("participants:write")
        response = await enrolment.http.post("/participants", json=new_registration(), headers=officer)
        assert response.status_code == 201, response.text
        await eventually(refused_twice, timeout=30)
        outbox = enrolment.runtime.database.db["outbox"]
        assert await outbox.find_one({"key": response.json()["id"]})  # kept, unpublished
        readiness = await enrolment.http.get("/health/ready")
        assert readiness.status_code == 503
        assert readiness.json()["checks"]["kafka"] != "ok", readiness.text

    await refused_twice()
    everything = "".join(written) + readiness.text + repr(settings) + repr(settings.kafka_security)
    assert "SaslAuthenticationFailed" in everything  # the log says why, so an operator knows what to fix
    assert WRONG_PASSWORD not in everything
    assert PASSWORD not in everything


async def _subjects_read(settings: ServiceSettings, *, until_found: str) -> set[str]:
    """The keys (the subjects) of every event on the service's topic, read with its own credentials."""
    consumer = new_consumer(
        settings.topic(enrolment.TOPIC),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        security=settings.kafka_security,
        group_id=settings.topic("reader"),
        client_id="test",
    )
    subjects: set[str] = set()

    async def found() -> bool:
        batches = await consumer.getmany(timeout_ms=1000)
        subjects.update(record.key.decode() for records in batches.values() for record in records if record.key)
        return until_found in subjects

    await consumer.start()
    try:
        await eventually(found, timeout=30)
    finally:
        await consumer.stop()
    return subjects
