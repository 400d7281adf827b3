import sys

from acme_gen.reconcile.cli import main

sys.exit(main())
