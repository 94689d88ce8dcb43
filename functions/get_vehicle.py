"""GET /api/vehicles/{vin}: one vehicle by VIN, in any letter case."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.routes import get_vehicle

app = create_app(get_vehicle())
handler = lambda_handler(app)
