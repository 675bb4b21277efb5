"""Workflows on top of submissions: what happens after a form with ``workflow:`` is sent."""
