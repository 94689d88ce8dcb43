"""Every endpoint and the docs in one ASGI app, for local development:

    DATABASE_URL=... .venv/bin/uvicorn shared.local_app:app --reload

The deployed functions serve the same routers, one group per Lambda function.
"""

from shared.http import create_app
from shared.routes import create_vehicle, get_vehicle, health, list_vehicles

app = create_app(health, list_vehicles, get_vehicle, create_vehicle, docs=True)
