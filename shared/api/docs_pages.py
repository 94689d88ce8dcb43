"""GET /docs (Swagger UI) and /redoc: FastAPI's pages, with their assets pinned and hashed.

The browser loads the assets from jsDelivr (so /docs needs internet access); each is pinned to
an exact npm release and carries a Subresource Integrity hash, so a changed file is refused
rather than run. The hashes are sha384 of the files in the npm tarballs (`npm pack
swagger-ui-dist@5.35.0 redoc@2.5.2`), which jsDelivr serves byte for byte. To upgrade: change a
version, pack it, `openssl dgst -sha384 -binary FILE | base64`, and update the hash beside it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net/npm"
SWAGGER_JS = f"{CDN}/swagger-ui-dist@5.35.0/swagger-ui-bundle.js"
SWAGGER_CSS = f"{CDN}/swagger-ui-dist@5.35.0/swagger-ui.css"
REDOC_JS = f"{CDN}/redoc@2.5.2/bundles/redoc.standalone.js"
INTEGRITY = {
    SWAGGER_JS: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
    SWAGGER_CSS: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
    REDOC_JS: "sha384-70P5pmIdaQdVbxvjhrcTDv1uKcKqalZ3OHi7S2J+uzDl0PW8dO6L+pHOpm9EEjGJ",
}


def add_docs_pages(app: FastAPI, openapi_url: str) -> None:
    """Serve /docs and /redoc for `app`, pointing at `openapi_url` under the request's stage."""

    async def swagger_ui(request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=_under_stage(request, openapi_url),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
        )
        return _with_integrity(page)

    async def redoc(request: Request) -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=_under_stage(request, openapi_url),
            title=f"{app.title} - ReDoc",
            redoc_js_url=REDOC_JS,
            with_google_fonts=False,  # a stylesheet that changes by browser: no hash can pin it
        )
        return _with_integrity(page)

    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)


def _under_stage(request: Request, path: str) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/") + path


def _with_integrity(page: HTMLResponse) -> HTMLResponse:
    html = bytes(page.body).decode()
    for url, digest in INTEGRITY.items():
        for attribute in ("src", "href"):
            html = html.replace(
                f'{attribute}="{url}"',
                f'{attribute}="{url}" integrity="{digest}" crossorigin="anonymous"',
            )
    return HTMLResponse(html)
