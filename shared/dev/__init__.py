"""Local-only development helpers, never imported in Lambda nor packaged: the embedded
PostgreSQL (pgserver), and the AWS SAM template generator and build (from serverless.yml).

May import: third-party development packages (pgserver, PyYAML), psycopg and `shared.ops`.
"""
