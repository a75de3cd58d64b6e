"""The reason a failed job shows its owner: clear, and without server paths."""

from __future__ import annotations

import errno

import pytest

from jobs.runs import failures


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError(errno.ENOENT, "No such file or directory", "/srv/medgen/media/jobs/a/1"),
        PermissionError(errno.EACCES, "Permission denied", "/var/lib/medgen/x.csv"),
        RuntimeError("cannot open /srv/medgen/media/jobs/a/1/patients.csv for writing"),
        ValueError(r"bad file C:\medgen\media\jobs\patients.csv here"),
    ],
)
def test_the_message_names_the_problem_but_no_path(error: BaseException) -> None:
    message = failures.describe(error)

    assert message.startswith("Generation failed: ")
    assert "/srv" not in message and "/var" not in message and "medgen\\" not in message


def test_running_out_of_space_says_so() -> None:
    message = failures.describe(OSError(errno.ENOSPC, "No space left on device", "/srv/x"))

    assert "ran out of disk space" in message and "/srv" not in message
