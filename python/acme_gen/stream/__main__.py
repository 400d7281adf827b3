import sys

from acme_gen.stream.cli import main

sys.exit(main())
