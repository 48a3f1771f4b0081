"""`python -m tiaki.matching screen|link|dedupe ...`"""

import sys

from tiaki.matching.cli import main

sys.exit(main())
