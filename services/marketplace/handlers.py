"""Marketplace use cases; it reacts to no event type yet, so consumed events are counted as ignored."""

from shared.consumer import Reactions

REACTIONS = Reactions()
