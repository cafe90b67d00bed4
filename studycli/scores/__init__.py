"""Self-checks, readiness per level, streaks and charts."""
