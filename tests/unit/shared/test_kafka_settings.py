"""How the Kafka settings become every client's connection options, and what they refuse."""

import ssl

import certifi
import pytest
from pydantic import ValidationError

from shared.settings import KafkaSettings

PASSWORD = "a-password-7f3e"


def test_a_sasl_protocol_without_its_whole_login_is_refused_naming_what_is_missing_but_never_the_password() -> None:
    with pytest.raises(ValidationError) as refused:
        KafkaSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_password=PASSWORD)
    message = str(refused.value)
    assert "KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME" in message
    assert "KAFKA_SASL_PASSWORD" not in message
    assert PASSWORD not in message


def test_an_unknown_mechanism_is_refused_without_echoing_any_setting() -> None:
    with pytest.raises(ValidationError) as refused:
        KafkaSettings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="GSSAPI",
            kafka_sasl_username="enrolment",
            kafka_sasl_password=PASSWORD,
        )
    assert "kafka_sasl_mechanism" in str(refused.value).lower()
    assert PASSWORD not in str(refused.value)


def test_sasl_ssl_gives_the_clients_the_login_and_a_context_trusting_the_ca_file() -> None:
    settings = KafkaSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="enrolment",
        kafka_sasl_password=PASSWORD,
        kafka_ssl_ca_file=certifi.where(),
    )
    options = settings.kafka_security.client_options()
    context = options.pop("ssl_context")
    assert options == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "enrolment",
        "sasl_plain_password": PASSWORD,
    }
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.get_ca_certs()
    assert PASSWORD not in repr(settings) + repr(settings.kafka_security)


def test_plaintext_gives_the_clients_no_login_even_when_one_is_set() -> None:
    settings = KafkaSettings(kafka_sasl_username="enrolment", kafka_sasl_password=PASSWORD)
    assert settings.kafka_security.client_options() == {"security_protocol": "PLAINTEXT"}
