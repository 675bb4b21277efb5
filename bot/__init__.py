"""Composition root: settings, factories, middlewares, runners and the command line.

The only package that wires concrete things together.
"""
