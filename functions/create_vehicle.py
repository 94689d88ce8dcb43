"""POST /api/vehicles: add a vehicle (201 with Location, 409 on a VIN already taken)."""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import create_vehicle

app = create_app(create_vehicle())
handler = lambda_handler(app)
