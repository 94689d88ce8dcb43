"""GET /api/vehicles (and /api/vehicles/): one page of the inventory, newest first."""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import list_vehicles

app = create_app(list_vehicles())
handler = lambda_handler(app)
