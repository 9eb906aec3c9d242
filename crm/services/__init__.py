"""Use-cases the UI and the CLI call; each opens its own session and combines the pieces below it."""
