"""PATCH /api/vehicles/{vin}: change a vehicle by JSON Merge Patch, honouring If-Match (412)."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.update_route import update_router

app = create_app(update_router())
handler = lambda_handler(app)
