"""CLI commands for drafting help (outline, copy check); filled in by the drafting work."""
from __future__ import annotations

DRAFTING_COMMANDS: dict = {}


def add_drafting_commands(sub) -> None:
    """No drafting commands yet."""
