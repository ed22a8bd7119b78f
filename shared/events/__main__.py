"""`python -m shared.events [DIR]` writes every contract's JSON Schema to DIR (default docs/events)."""

import json
import sys
from pathlib import Path

from shared.events import registry


def schema_files() -> dict[str, str]:
    """File name -> JSON text of each contract's schema."""
    return {
        urn.removeprefix("urn:pembinaan:event:").replace(":", ".") + ".json": json.dumps(schema, indent=2) + "\n"
        for urn, schema in registry.json_schemas().items()
    }


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/events")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in schema_files().items():
        (target / name).write_text(text)
    print(f"{len(schema_files())} event schemas written to {target}")


if __name__ == "__main__":
    main()
