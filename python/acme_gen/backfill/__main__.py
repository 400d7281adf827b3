"""python -m acme_gen.backfill"""

import sys

from acme_gen.backfill.cli import main

sys.exit(main())
