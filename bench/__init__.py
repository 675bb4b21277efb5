"""Benchmarks. Run them from the repository root: ``python -m bench.answers --help``."""
