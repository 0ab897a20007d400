"""The public names of ``assess.batch``: what type checkers see, and what ``lazy_loader`` imports on first use."""

from ._bulletin import write_bulletin as write_bulletin
from ._engine import KernelSettings as KernelSettings
from ._engine import WarmKernel as WarmKernel
from ._engine import WarmKernelEngine as WarmKernelEngine
from ._ledger import format_status as format_status
from ._ledger import read_ledger as read_ledger
from ._ledger import run_status as run_status
from ._options import DEFAULT_TEMPLATE as DEFAULT_TEMPLATE
from ._options import ReportOptions as ReportOptions
from ._pipeline import check_outputs as check_outputs
from ._pipeline import run_assessment as run_assessment
from ._pipeline import score_to as score_to
from ._pipeline import write_sample as write_sample
from ._runner import template_imports as template_imports
from ._wakeful import WakefulKernelManager as WakefulKernelManager
