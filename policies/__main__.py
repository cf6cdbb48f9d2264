"""`python -m policies gate ...`: the PCI policy gate (see policies/gate/cli.py)."""

import sys

from policies.gate.cli import main

if __name__ == "__main__":
    sys.exit(main())
