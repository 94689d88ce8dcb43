"""GET /docs (Swagger UI), /redoc and /openapi.json, describing every endpoint of the API.

It serves every endpoint too, so `uvicorn functions.docs:app` runs the whole API locally.
"""

from shared.api.app import create_app
from shared.api.gateway import lambda_handler
from shared.api.routes import all_routers

app = create_app(*all_routers(), docs=True)
handler = lambda_handler(app)
