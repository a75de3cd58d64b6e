"""What a user reads when a job fails: the reason, never a server path."""

from __future__ import annotations

import errno
import re

# An absolute path (POSIX or Windows) inside an exception's text.
_PATH = re.compile(r"(?:[A-Za-z]:\\|(?<![\w.])/)(?:[\w.\-~+]+[/\\])+[\w.\-~+]*")

OUT_OF_SPACE = (
    "The server ran out of disk space while writing this job's files. The partial files "
    "were removed; try again later, or with fewer patients or formats."
)


def describe(error: BaseException) -> str:
    """`Generation failed: ...` for `error`, with any file path left out."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return OUT_OF_SPACE
    if isinstance(error, OSError) and error.strerror:
        return f"Generation failed: {error.strerror}."
    text = _PATH.sub("…", str(error)) or type(error).__name__
    return f"Generation failed: {text}"
