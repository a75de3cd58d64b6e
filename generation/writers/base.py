"""A sink wrapper that records what was written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class OutputFile:
    """One written file, as listed in the manifest and stored by the web app."""

    name: str
    size: int
    sha256: str
    content_type: str


class FileWriter:
    """Appends bytes to a binary sink, hashing and counting them; closes the sink."""

    def __init__(self, name: str, sink: IO[bytes], content_type: str) -> None:
        self.name = name
        self.content_type = content_type
        self._sink = sink
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes | memoryview) -> None:
        """Append `data`; a view is read only during the call (it may be reused after)."""
        if data:
            self._sink.write(data)
            self._hash.update(data)
            self._size += len(data)

    def close(self) -> OutputFile:
        self._sink.close()
        return OutputFile(self.name, self._size, self._hash.hexdigest(), self.content_type)

    def abort(self) -> None:
        self._sink.close()
