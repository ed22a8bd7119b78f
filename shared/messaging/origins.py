"""Who may publish on a topic: `<service>.<name>` is its service's alone, events of that service's types only."""

from shared.messaging.envelope import Envelope

SOURCE = "/services/{service}"


def owner_of(topic: str, *, prefix: str = "") -> str:
    """The service whose topic it is: the first word of its name after the deployment's prefix."""
    return topic.removeprefix(prefix).split(".", 1)[0]


def foreign_origin(topic: str, envelope: Envelope, *, prefix: str = "") -> str | None:
    """Why the event may not be taken from this topic (a fixed reason naming the topic's owner, never what the
    event claims), or None when its owner published it: its `source` is the owner's and its type the owner's."""
    owner = owner_of(topic, prefix=prefix)
    source = SOURCE.format(service=owner)
    if envelope.source != source or not envelope.type.startswith(f"{owner}."):
        return f"{topic.removeprefix(prefix)} takes only events of {owner}.* types from {source}"
    return None
