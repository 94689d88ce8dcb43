"""Local-only development helpers (never imported in Lambda)."""
