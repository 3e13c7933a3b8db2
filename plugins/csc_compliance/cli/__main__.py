"""`python -m csc_compliance.cli`: the csc-compliance command, from a source tree."""
import sys

from csc_compliance.cli.main import main

sys.exit(main())
