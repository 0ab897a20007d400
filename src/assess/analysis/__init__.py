"""Analysis: uncertainty and sensitivity of the grades, indicator importance, year over year."""
