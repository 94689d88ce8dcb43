"""Code shared by every Lambda function of the vehicle-inventory API, in capability packages.

- `api/`: the HTTP API: app factory, routes, API Gateway events, response schemas, errors -> HTTP.
- `data/`: the connection, database URL forms, the vehicle's fields, models and SQL (and the
  API-key check folded into write statements, `credentials.py`).
- `auth/`: credentials and permissions: Supabase access tokens (JWKS, HS256), API keys, the
  `keys` command line.
- `migrations/`: migration files' format, the runner, its command line.
- `seed/`: the dealer export format, sources (path, S3), loading, its command line.
- `ops/`: settings, secrets, logs, metrics and traces.
- `dev/`: the embedded PostgreSQL and other local-only helpers (never imported in Lambda).
- `errors.py`: the domain errors every package raises; `runtime.py`: the container's database.

Imports point one way: api -> auth; api, auth, migrations, seed -> runtime -> data -> ops -> errors.
"""
