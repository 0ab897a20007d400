"""Scoring: the scheme, indicators, scores and grades, rater agreement, the result."""
