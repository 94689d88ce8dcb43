"""GET /docs (Swagger UI), /redoc and /openapi.json, describing every endpoint of the API.

It serves every endpoint too, so `uvicorn functions.docs:app` runs the whole API locally.
"""

from shared.gateway import lambda_handler
from shared.http import create_app
from shared.routes import every_router

app = create_app(*every_router(), docs=True)
handler = lambda_handler(app)
