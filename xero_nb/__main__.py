"""``python -m xero_nb``: the ``xero-nb`` command without the console script."""

import sys

from xero_nb.cli import main

sys.exit(main())
