"""`python -m deploy.operate <command>`: the procedures of deploy/RUNBOOK.md, one command each."""

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from deploy.operate import backups, credentials, offsets, read_models
from deploy.operate.parser import command_line
from shared.http.api_keys import EmptyAttribute, UnknownAttribute
from shared.messaging.dead_letters import replay_dead_letters
from shared.messaging.kafka import KafkaSecurity
from shared.settings import KafkaSettings
from shared.storage.indexes import dedupe_complete_since

Command = Callable[[argparse.Namespace], Awaitable[str]]


def mongo(args: argparse.Namespace) -> AsyncMongoClient[Any]:
    return AsyncMongoClient(args.mongodb_url, tz_aware=True)


def kafka_security() -> KafkaSecurity:
    """The services' own KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_CA_FILE, read from the environment."""
    return KafkaSettings().kafka_security


def database_of(args: argparse.Namespace) -> str:
    return str(args.database or args.service)


def consumed_topics(args: argparse.Namespace) -> list[str]:
    """The topics given, else every topic the service consumes; with the deployment's prefix."""
    topics = args.topic or importlib.import_module(f"services.{args.service}.events").CONSUMES
    return [f"{args.topic_prefix}{topic}" for topic in topics]


async def replay(args: argparse.Namespace) -> str:
    topic = f"{args.topic_prefix}{args.original_topic}"
    count = await replay_dead_letters(
        bootstrap_servers=args.kafka, security=kafka_security(), topic=topic, consumer=args.service
    )
    return f"replayed {count} dead letter(s) of {args.service} to {topic}"


async def reset(args: argparse.Namespace) -> str:
    to_time = None if args.to_beginning else datetime.fromisoformat(args.to)
    group = f"{args.topic_prefix}{args.service}"
    if not args.force:
        client = mongo(args)
        try:
            offsets.check_within_window(to_time, await dedupe_complete_since(client[database_of(args)]))
        finally:
            await client.close()
    done = await offsets.reset_group(
        bootstrap_servers=args.kafka,
        security=kafka_security(),
        group=group,
        topics=consumed_topics(args),
        to_time=to_time,
    )
    where = "the beginning" if to_time is None else to_time.isoformat()
    lines = [f"{tp.topic}[{tp.partition}] -> {offset}" for tp, offset in sorted(done.items())]
    return "\n".join([f"{group} reset to {where}:", *lines])


async def rebuild(args: argparse.Namespace) -> str:
    place = read_models.Place(service=args.service, database=database_of(args), topic_prefix=args.topic_prefix)
    client = mongo(args)
    try:
        done = await read_models.rebuild(client, place, bootstrap_servers=args.kafka, security=kafka_security())
    finally:
        await client.close()
    summary = ", ".join(f"{count} {what}" for what, count in done.items())
    return f"{args.service}'s read model cleared ({summary}); start the service to replay it"


async def mint_api_key(args: argparse.Namespace) -> str:
    attributes = dict(pair.partition("=")[::2] for pair in args.attribute)
    client = mongo(args)
    try:
        return await credentials.mint_api_key(
            client, database_of(args), name=args.name, scopes=args.scope, attributes=attributes
        )
    finally:
        await client.close()


async def revoke_api_key(args: argparse.Namespace) -> str:
    client = mongo(args)
    try:
        await credentials.revoke_api_key(client, database_of(args), args.key_id)
    finally:
        await client.close()
    return f"{args.key_id} revoked"


async def list_api_keys(args: argparse.Namespace) -> str:
    client = mongo(args)
    try:
        return "\n".join(await credentials.api_key_lines(client, database_of(args)))
    finally:
        await client.close()


async def rotate_api_key(args: argparse.Namespace) -> str:
    client = mongo(args)
    try:
        token, holder = await credentials.rotate_api_key(client, database_of(args), args.key_id)
    finally:
        await client.close()
    return f"{args.key_id} revoked; {holder}'s new key (shown once): {token}"


async def rotate_webhook_secret(args: argparse.Namespace) -> str:
    async with credentials.notifications_api(args.notifications_url, operator_key()) as http:
        rotated = await credentials.rotate_webhook_secret(http, args.endpoint_id, overlap_seconds=args.overlap_seconds)
    expiring = rotated["previous_secrets_expire_at"]
    return f"new signing secret (shown once): {rotated['secret']}\nthe previous one signs until {expiring}"


async def reenable_webhook(args: argparse.Namespace) -> str:
    async with credentials.notifications_api(args.notifications_url, operator_key()) as http:
        missed, queued = await credentials.reenable_webhook(http, args.endpoint_id)
    return f"{args.endpoint_id} enabled; it missed {missed} delivery(ies), {queued} queued to send now"


async def back_up(args: argparse.Namespace) -> str:
    client = mongo(args)
    try:
        counts = await backups.back_up(client, database_of(args), Path(args.to))
    finally:
        await client.close()
    return f"{sum(counts.values())} documents of {len(counts)} collections written to {args.to}"


async def restore(args: argparse.Namespace) -> str:
    client = mongo(args)
    try:
        counts = await backups.restore(client, Path(args.source), args.into)
    finally:
        await client.close()
    return f"{sum(counts.values())} documents of {len(counts)} collections restored into {args.into}"


def operator_key() -> str:
    key = os.environ.get("OPERATE_API_KEY")
    if not key:
        sys.exit("OPERATE_API_KEY must hold an endpoints:write (or admin) key of the notifications service")
    return key


COMMANDS: dict[str, Command] = {
    "replay-dead-letters": replay,
    "reset-group": reset,
    "rebuild-read-model": rebuild,
    "mint-api-key": mint_api_key,
    "revoke-api-key": revoke_api_key,
    "list-api-keys": list_api_keys,
    "rotate-api-key": rotate_api_key,
    "rotate-webhook-secret": rotate_webhook_secret,
    "reenable-webhook": reenable_webhook,
    "backup": back_up,
    "restore": restore,
}


def main() -> None:
    args = command_line().parse_args()
    try:
        print(asyncio.run(COMMANDS[args.command](args)))
    except (
        offsets.GroupStillActive,
        offsets.BeyondDedupeWindow,
        backups.TargetNotEmpty,
        credentials.NoSuchKey,
    ) as refused:
        sys.exit(f"refused: {refused}")
    except (EmptyAttribute, UnknownAttribute) as refused:
        sys.exit(f"refused: {refused.detail}")


if __name__ == "__main__":
    main()
