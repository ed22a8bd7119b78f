"""The names of the programme's parties (facilities and partner agencies), as far as learnt; pure."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Names:
    facilities: dict[str, str]
    agencies: dict[str, str]
