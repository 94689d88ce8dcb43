"""Routers whose routes the app serves as its own, not as an included router.

FastAPI 0.165 rebuilds every route of an included router (its parameters, body and response
fields) on the first request that reaches it: about 5 ms of CPU of a PATCH's or DELETE's first
request here (docs/performance.md, round 4). `create_app` hands the routes of a `new_router` to
the app itself, which serves them as built; `app.dependency_overrides` still applies to them,
through `_AppOverrides`. Any other router is included as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute


def new_router(**options: Any) -> APIRouter:
    """`APIRouter(**options)`, for `create_app` to serve its routes as the app's own."""
    return APIRouter(dependency_overrides_provider=_AppOverrides(), **options)


def own_routes(routers: Iterable[APIRouter]) -> list[BaseRoute]:
    """The routes of the routers made by `new_router`, in order."""
    return [route for router in routers if _overrides(router) for route in router.routes]


def attach(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Point the routers made by `new_router` at `app`'s overrides; include the others."""
    for router in routers:
        provider = _overrides(router)
        if provider is None:
            app.include_router(router)
        else:
            provider.app = app


class _AppOverrides:
    """A router's `dependency_overrides_provider`: FastAPI reads `dependency_overrides` from it
    at each request, as it reads them from the app for an included router."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None

    @property
    def dependency_overrides(self) -> dict[Any, Any]:
        return {} if self.app is None else self.app.dependency_overrides


def _overrides(router: APIRouter) -> _AppOverrides | None:
    provider = router.dependency_overrides_provider
    return provider if isinstance(provider, _AppOverrides) else None
