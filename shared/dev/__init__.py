"""Local-only development helpers, never imported in Lambda nor packaged: the embedded
PostgreSQL (pgserver), API Gateway events, generated dealer exports and vehicle factories shared
by the tests and `make bench`, and the AWS SAM template generator and build (from serverless.yml).

May import: `shared.data`, `shared.ops`, psycopg and development packages (pgserver, PyYAML).
"""
