"""The data layer: the pooler-safe connection, database URL forms, the vehicle's field
declaration, the pydantic models derived from it, VIN rules and the vehicle SQL.

May import: `shared.errors`, `shared.ops.settings`, `shared.ops.redact`; never Powertools, never
the API. Query functions take keyword-only arguments and run one statement each.
"""
