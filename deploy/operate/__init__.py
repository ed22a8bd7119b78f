"""The operators' commands of deploy/RUNBOOK.md: `python -m deploy.operate <command> --help`."""
