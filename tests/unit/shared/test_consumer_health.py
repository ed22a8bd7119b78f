"""Readiness tells the truth about a consumer: a loop that keeps restarting, or a partition that stops committing."""

import time

from aiokafka import TopicPartition

from shared.messaging.health import RESTARTS_BEFORE_UNREADY, ConsumerHealth


def test_a_consumer_that_polls_and_commits_is_ready() -> None:
    health = ConsumerHealth()
    health.holding_since[TopicPartition("production.events", 0)] = time.monotonic()
    assert health.state(stall_seconds=60) == "ok"


def test_a_loop_restarting_repeatedly_is_unready_until_a_round_completes() -> None:
    health = ConsumerHealth()
    for _ in range(RESTARTS_BEFORE_UNREADY):
        health.failed(ValueError("bad"))
    assert (
        health.state(stall_seconds=60)
        == f"restarting: failed {RESTARTS_BEFORE_UNREADY} times in a row, last ValueError"
    )
    health.failures_in_a_row = 0
    assert health.state(stall_seconds=60) == "ok"


def test_a_partition_holding_work_without_committing_is_unready_though_the_loop_polls() -> None:
    health = ConsumerHealth()
    health.holding_since[TopicPartition("production.events", 2)] = time.monotonic() - 90
    health.last_poll = time.monotonic()
    assert health.state(stall_seconds=60) == "no progress for 90s on production.events[2]"


def test_waiting_for_the_database_is_unready_and_named() -> None:
    health = ConsumerHealth(waiting_for_database="NotPrimaryError")
    assert health.state(stall_seconds=60) == "waiting for the database: NotPrimaryError"
