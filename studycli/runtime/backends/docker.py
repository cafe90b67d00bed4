"""Docker compose backend (placeholder until the generator lands)."""
