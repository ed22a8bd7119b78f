"""Events on Kafka: the envelope and registry, the outbox and its relay, the consumer loop and its dead letters."""
