"""Shared foundations every layer may use: errors, atomic file writes, local time."""
