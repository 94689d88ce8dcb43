"""GET /api/vehicles/{vin}: one vehicle by VIN, in any letter case."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.routes import get_router

app = create_app(get_router())
handler = lambda_handler(app)
