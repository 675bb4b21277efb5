"""/progress: each roadmap target with its current figure and what remains."""
