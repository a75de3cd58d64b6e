#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medgen_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


# The guard matters: the engine's render workers start from a fork server that imports
# the main module (`manage.py generate`, or an RQ worker running a job).
if __name__ == "__main__":
    main()
