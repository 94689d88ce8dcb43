"""`VehicleCreate`: a new vehicle, validated, as `POST /api/vehicles` and the seed receive it.

Its fields and rules are `shared.data.models.Writable`'s, which is deferred: only the functions
that validate a new vehicle import this module, and pay for its validator (about 9 ms of CPU of
a cold start; docs/performance.md, round 4). Built here, at import, not deferred: FastAPI builds
POST's body field from it with a pydantic warning silenced, and the body field of a deferred
model would be built later, outside that silencing (`UnsupportedFieldAttributeWarning`).
"""

from __future__ import annotations

from pydantic import ConfigDict

from shared.data.models import Writable


class VehicleCreate(Writable):
    """A vehicle as `POST /api/vehicles` and the seed receive it; unknown fields are ignored."""

    model_config = ConfigDict(defer_build=False)
