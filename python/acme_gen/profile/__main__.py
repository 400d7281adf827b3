import sys

from acme_gen.profile.page import main

sys.exit(main())
