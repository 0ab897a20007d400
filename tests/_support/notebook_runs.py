"""Running the analysts' notebooks as the tests do: papermill on the sample year, in a kernel
whose client notices a reply whose wake-up was lost (``assess.batch.WakefulKernelManager``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import papermill

from assess.batch import WakefulKernelManager

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample-2025.xlsx"


def run_notebook(name: str, out: Path, **parameters: Any) -> None:
    """Execute ``notebooks/<name>.ipynb`` into ``out`` on the sample year, with ``parameters`` added."""
    papermill.execute_notebook(
        ROOT / "notebooks" / f"{name}.ipynb",
        out,
        parameters={"data_path": str(SAMPLE), "year": 2025, **parameters},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        kernel_name="python3",
        kernel_manager_class=WakefulKernelManager,
        execution_timeout=600,  # a cell that really hangs fails the test, never CI
        start_timeout=120,
    )
