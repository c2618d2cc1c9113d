"""
Reads for the pages. `comparison` serves the cross-organisation pages (super-complaints,
recommendation comparison, matrix, organisations, home); `timeline` serves one response's page.
"""
