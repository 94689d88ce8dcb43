"""DELETE /api/vehicles/{vin}: remove a vehicle (204), honouring If-Match (412)."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.lifecycle import delete_router

app = create_app(delete_router())
handler = lambda_handler(app)
