"""GET /health (liveness, no database) and GET /health/ready (the database answers)."""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.health import health_router

app = create_app(health_router())
handler = lambda_handler(app)
