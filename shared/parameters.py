"""Path and query parameters every service's routes take the same way."""

from typing import Annotated

from fastapi import Path, Query

PathId = Annotated[str, Path(min_length=1, max_length=64, description="The id of the resource named before it")]
"""The id of a resource in a URL path."""

Filter = Annotated[str | None, Query(max_length=64)]
"""An optional equality filter of a listing, by an id or a state."""
