"""GET /api/vehicles (and /api/vehicles/): one page of the inventory, newest first."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.list_route import list_router

app = create_app(list_router())
handler = lambda_handler(app)
