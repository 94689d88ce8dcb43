"""FastAPI's refusal of pydantic.v1 models, without importing pydantic.v1 to decide it.

FastAPI 0.165 checks every type it builds a field from (parameters, bodies, response models)
with `fastapi._compat.shared.is_pydantic_v1_model_class`, which imports `pydantic.v1`: about
35 ms of CPU at the first route of every cold start here (docs/performance.md, round 3), to
answer no. A pydantic.v1 class cannot exist before `pydantic.v1` has been imported, so while
it is not in `sys.modules` no is the exact answer; once anything has imported it, FastAPI's own
check decides. (The same change was proposed upstream, fastapi/fastapi#16374, and closed.)
`tests/test_cold_init.py` checks that no function imports pydantic.v1 and that a pydantic.v1
model is still refused.
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi._compat import shared

_fastapi_check = shared.is_pydantic_v1_model_class


def _is_pydantic_v1_model_class(cls: Any) -> bool:
    return "pydantic.v1" in sys.modules and _fastapi_check(cls)


def install() -> None:
    """Use the check above wherever FastAPI asks (`annotation_is_pydantic_v1` looks it up in
    its module at each call); before the first route is built."""
    shared.is_pydantic_v1_model_class = _is_pydantic_v1_model_class
