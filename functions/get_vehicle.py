"""GET /api/vehicles/{vin}: one vehicle by VIN, in any letter case."""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import get_vehicle

app = create_app(get_vehicle())
handler = lambda_handler(app)
