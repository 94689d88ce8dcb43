"""The browsable docs load only pinned, hashed scripts and stylesheets."""

from __future__ import annotations

import re

import pytest

from functions import docs
from shared.api.docs_pages import INTEGRITY
from tests.fixtures.events import http_api_event, invoke

TAGS = re.compile(r"<(?:script|link)\b[^>]*>")


@pytest.mark.parametrize(("path", "assets"), [("/docs", 2), ("/redoc", 1)])
def test_every_script_and_stylesheet_is_pinned_and_carries_its_hash(path: str, assets: int) -> None:
    reply = invoke(docs.handler, http_api_event("GET", path))
    assert reply.status == 200
    external = [tag for tag in TAGS.findall(reply.body) if "stylesheet" in tag or "<script" in tag]
    external = [tag for tag in external if "://" in tag]
    assert len(external) == assets, external
    for tag in external:
        url = re.search(r'(?:src|href)="([^"]+)"', tag)
        assert url is not None
        assert re.search(r"@\d+\.\d+\.\d+/", url[1]), f"unpinned: {url[1]}"
        assert f'integrity="{INTEGRITY[url[1]]}"' in tag
        assert 'crossorigin="anonymous"' in tag
