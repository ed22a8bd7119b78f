"""The command line of `python -m deploy.operate`: every command, its arguments and its defaults."""

import argparse
import os

SERVICES = ("enrolment", "production", "marketplace", "notifications")


def service_argument(parser: argparse.ArgumentParser, *, choices: tuple[str, ...] = SERVICES) -> None:
    parser.add_argument("--service", required=True, choices=choices)
    parser.add_argument("--database", help="the service's database, when not named after the service")


def command_line() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.operate", description="The runbook's procedures.")
    parser.add_argument("--kafka", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--mongodb-url", default=os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017"))
    parser.add_argument("--topic-prefix", default=os.environ.get("KAFKA_TOPIC_PREFIX", ""))
    parser.add_argument("--notifications-url", default=os.environ.get("NOTIFICATIONS_URL", "http://127.0.0.1:8004"))
    commands = parser.add_subparsers(dest="command", required=True)
    kafka_commands(commands)
    credential_commands(commands)
    database_commands(commands)
    return parser


def kafka_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    replay = commands.add_parser("replay-dead-letters", help="send a consumer's dead letters back to their topic")
    replay.add_argument("original_topic", help="the topic they came from, e.g. enrolment.events")
    replay.add_argument("--service", required=True, choices=SERVICES, help="the consumer that gave up on them")

    reset = commands.add_parser("reset-group", help="move a stopped service's consumer group to a time")
    service_argument(reset)
    reset.add_argument("--topic", action="append", help="default: every topic the service consumes")
    when = reset.add_mutually_exclusive_group(required=True)
    when.add_argument("--to", help="ISO 8601 time with its offset, e.g. 2026-11-29T08:00:00+07:00")
    when.add_argument("--to-beginning", action="store_true")
    reset.add_argument(
        "--force", action="store_true", help="even to a point before the service's dedupe records are complete"
    )

    rebuild = commands.add_parser("rebuild-read-model", help="clear a stopped service's read model to replay it")
    service_argument(rebuild, choices=("production",))


def credential_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    mint_key = commands.add_parser("mint-api-key", help="print a new key's token (shown once)")
    service_argument(mint_key)
    mint_key.add_argument("--name", required=True, help="who holds the key, e.g. dkpp-reporting")
    mint_key.add_argument("--scope", action="append", required=True, help="repeat for several scopes")
    mint_key.add_argument("--attribute", action="append", default=[], help="key=value, e.g. facility_id=...")

    revoke_key = commands.add_parser("revoke-api-key", help="revoke a key at once")
    service_argument(revoke_key)
    revoke_key.add_argument("key_id")

    list_keys = commands.add_parser("list-api-keys", help="a service's keys: id, holder, scopes, active or revoked")
    service_argument(list_keys)

    rotate_key = commands.add_parser("rotate-api-key", help="mint a key like one, then revoke that one")
    service_argument(rotate_key)
    rotate_key.add_argument("key_id")

    rotate_secret = commands.add_parser("rotate-webhook-secret", help="a webhook endpoint's new signing secret")
    rotate_secret.add_argument("endpoint_id")
    rotate_secret.add_argument("--overlap-seconds", type=int, default=86_400, help="how long the old one signs")

    reenable = commands.add_parser("reenable-webhook", help="enable an endpoint and send what it missed")
    reenable.add_argument("endpoint_id")


def database_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    backup = commands.add_parser("backup", help="a service's database to canonical Extended JSON files")
    service_argument(backup)
    backup.add_argument("--to", required=True, help="a folder, created if missing")

    restore = commands.add_parser("restore", help="a backup into an empty database")
    restore.add_argument("--from", dest="source", required=True, help="the backup's folder")
    restore.add_argument("--into", required=True, help="the database, which must be empty")
