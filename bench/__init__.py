"""Benchmarks at national scale (issue 8): a dataset generator and the measurements."""
