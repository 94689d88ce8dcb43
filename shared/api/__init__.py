"""The HTTP API: the FastAPI app factory, the routes (one router factory per function), the
API Gateway event adapter (Mangum), response schemas, and the one mapping of errors to HTTP.

May import: `shared.auth`, `shared.data`, `shared.ops`, `shared.runtime`, `shared.errors`.
"""
