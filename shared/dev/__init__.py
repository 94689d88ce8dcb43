"""Local-only development helpers: the embedded PostgreSQL (pgserver), API Gateway events,
generated dealer exports and vehicle factories shared by the tests and `make bench`. Never
imported in Lambda, and left out of the deployment package.

May import: shared.data (VIN check digits), third-party development packages (pgserver), psycopg.
"""
