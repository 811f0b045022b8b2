"""Segments (issue 7, line 2): rules, classification, overrides and the distribution report.
See docs/segments.md."""
