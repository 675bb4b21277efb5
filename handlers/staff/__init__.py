"""Coordinators' and administrators' tools: invitations, roles, the audit log."""
