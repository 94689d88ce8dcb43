"""DELETE /api/vehicles/{vin}: remove a vehicle (204), honouring If-Match (412)."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.routes import delete_vehicle

app = create_app(delete_vehicle())
handler = lambda_handler(app)
