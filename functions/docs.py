"""GET /docs (Swagger UI), /redoc and /openapi.json (the stored document), and whatever no other
function's route matches (JSON 404 and 405, from the whole API): `shared.api.openapi`.

`app` is the whole API, built on first access: `uvicorn functions.docs:app` runs every endpoint.
"""

from fastapi import FastAPI

from shared.api.openapi import docs_handler, whole_api

handler = docs_handler()


def __getattr__(name: str) -> FastAPI:
    if name == "app":
        return whole_api()
    raise AttributeError(name)
