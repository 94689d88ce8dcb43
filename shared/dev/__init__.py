"""Local-only development helpers: the embedded PostgreSQL (pgserver). Never imported in Lambda.

May import: third-party development packages (pgserver), psycopg and `shared.ops`.
"""
