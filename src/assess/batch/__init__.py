"""Batch: the year-end run, the warm-kernel papermill engine, executors, the run ledger."""
