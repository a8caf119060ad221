"""Measurement helpers shared by tests and the benchmark scripts (which put tests/ on sys.path)."""
from __future__ import annotations

import os


def voluntary_switches() -> int:
    """Voluntary context switches summed over this process's threads (a futex sleep is one)."""
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/status") as status:
                total += sum(int(line.split()[1]) for line in status if line.startswith("voluntary_ctxt"))
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total
