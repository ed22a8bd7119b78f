"""The marketplace service's one reaction table; it reacts to no event yet, so consumed events count as ignored."""

from shared.reactions import Reactions

REACTIONS = Reactions()
