"""GET /docs (Swagger UI), /redoc and /openapi.json, describing every endpoint of the API."""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import create_vehicle, get_vehicle, health, list_vehicles

app = create_app(health, list_vehicles, get_vehicle, create_vehicle, docs=True)
handler = lambda_handler(app)
