"""A process and its descendants as /proc shows them, for the benches' samplers."""

from __future__ import annotations

import os
from pathlib import Path


def tree(root: int) -> list[int]:
    """`root` and every process below it that is still alive."""
    pids, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(c) for c in children)
        frontier.extend(int(c) for c in children)
    return pids


def pss_kb(pid: int) -> int:
    """Proportional set size: pages shared between processes counted once in all."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system time so far; None once the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
