"""GET /health (liveness, no database) and GET /health/ready (the database answers)."""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import health

app = create_app(health())
handler = lambda_handler(app)
