"""``python -m assess ...``: the ``assess`` command, for when its script is not on ``PATH``."""

from assess.cli import main

raise SystemExit(main())
