"""Intake: the input contract, reading the office's workbooks, validation, sample data."""
