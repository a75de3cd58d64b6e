"""`python -m generation --help`: the engine's command line (generation/cli.py)."""

import sys

from generation.cli import main

# The guard matters: render workers start from a fork server that imports the main module.
if __name__ == "__main__":
    sys.exit(main())
