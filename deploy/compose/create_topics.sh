#!/usr/bin/env bash
# docker-compose's topic job: the platform's topics laid out before any service starts (a service creates a
# missing topic itself, but with the broker's default retention). Event topics keep every event, so a read model
# can be rebuilt from the beginning; dead letters are kept 30 days; the listing snapshots are compacted.
set -euo pipefail
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-3}"

create() {
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}" --create --if-not-exists \
    --partitions "$PARTITIONS" --replication-factor 1 --config min.insync.replicas=1 "$@"
}

for topic in enrolment.events production.events marketplace.events; do
  create --topic "$topic" --config retention.ms=-1
done
create --topic marketplace.listings --config cleanup.policy=compact
for consumed in enrolment.events production.events marketplace.events; do
  create --topic "$consumed.dlq" --config retention.ms=2592000000
done
