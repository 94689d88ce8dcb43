"""POST /api/vehicles: add a vehicle (201 with Location, 409 on a VIN already taken)."""

from shared.api.app import create_app
from shared.api.create_route import create_router
from shared.api.gateway import lambda_handler

app = create_app(create_router())
handler = lambda_handler(app)
