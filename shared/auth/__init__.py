"""Credentials and permissions: who may write (and, with `AUTH_READ`, read).

- `access.py`: the entry point the API calls: which credential a request carries, and whether it
  may write or read; the one place the policy lives (default deny).
- `tokens.py`: Supabase Auth access tokens (JWT): ES256/RS256 against the project's JWKS, or the
  legacy shared HS256 secret; `iss`, `aud`, `exp`, `nbf` checked. PyJWT is imported on first use.
- `jwks.py`: the JWKS, fetched lazily, cached per container, refetched (rate-limited) for an
  unknown `kid`.
- `keys.py`: API keys (`vik_...`): making, hashing, and the `keys` command line's SQL. The check
  of a key on a write is SQL folded into the write itself, in `shared.data.credentials`.

May import: `shared.data`, `shared.ops`, `shared.runtime`, `shared.errors`; never the API.
"""
