"""Reach a line of a big, sorted, one-record-per-line file without reading what is before it.

The patient files hold one patient per line in sequence order, so the line of a given
sequence is found by bisecting byte offsets: seek into the middle, skip to the next line
start, read that line's sequence, keep the half that holds the target. Each probe reads
about one line, so reaching any line costs O(log size) small reads, on any seekable
binary stream (a local file or whatever a storage backend's `open()` returns).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Protocol

# Below this many bytes, reading the lines one by one is cheaper than more probes, each
# of which reads up to a buffer and a line.
SCAN_WINDOW = 64 * 1024

# A line's patient sequence, or None for a line after the last record (`]` of a JSON
# array, a trailing blank line).
SequenceOf = Callable[[bytes], int | None]


class SeekableLines(Protocol):
    def seek(self, offset: int, whence: int = ..., /) -> int: ...
    def tell(self) -> int: ...
    def readline(self, size: int | None = ..., /) -> bytes: ...


def stream_size(handle: SeekableLines) -> int:
    """The stream's length in bytes; leaves the position at the end."""
    return handle.seek(0, io.SEEK_END)


def seek_sequence(
    handle: SeekableLines, start: int, end: int, target: int, sequence_of: SequenceOf
) -> int:
    """Move `handle` to the first line in `start..end` whose sequence is >= `target`.

    `start` must be a line start (the first record line). Returns the line's offset, or
    the offset where records end when every sequence is below `target`.
    """
    # Invariant: `low` is a line start and every line before it is below the target;
    # the target line starts no later than the first line start at or after `high`.
    low, high = start, end
    while high - low > SCAN_WINDOW:
        middle = (low + high) // 2
        line_start = _next_line_start(handle, middle)
        line = handle.readline()
        sequence = sequence_of(line) if line else None
        if sequence is None or sequence >= target:
            high = middle
        else:
            low = line_start + len(line)
    return _scan_to(handle, low, target, sequence_of)


def _next_line_start(handle: SeekableLines, offset: int) -> int:
    """Position at the first line start at or after `offset` (> 0) and return it."""
    handle.seek(offset - 1)
    handle.readline()  # the rest of the line holding byte offset-1, up to its newline
    return handle.tell()


def _scan_to(handle: SeekableLines, offset: int, target: int, sequence_of: SequenceOf) -> int:
    """From the line start `offset`, read forward to the first line at or past `target`."""
    handle.seek(offset)
    while True:
        line_start = handle.tell()
        line = handle.readline()
        sequence = sequence_of(line) if line else None
        if sequence is None or sequence >= target:
            handle.seek(line_start)
            return line_start
