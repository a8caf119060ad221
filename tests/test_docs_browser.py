"""/docs in a real headless Chromium: the bundled Swagger UI renders every operation, offline."""
from __future__ import annotations

import os

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


def test_docs_render_the_operations(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(f"{live_server}/docs")
    search = page.locator(".opblock-get .opblock-summary-path[data-path='/api/search']")
    expect(search).to_be_visible()
    expect(page.locator(".opblock-post .opblock-summary-path[data-path='/api/documents']")).to_be_visible()
    paths = httpx.get(f"{live_server}/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert page.locator(".opblock").count() == operations
    assert "Unable to render" not in page.content()
    search.click()  # an operation opens with its parameters
    expect(page.locator(".opblock-get .parameters-col_name").first).to_be_visible()


def test_docs_document_is_openapi_30(live_server):
    document = httpx.get(f"{live_server}/openapi-3.0.json").json()
    assert document["openapi"] == "3.0.3"
    assert '"type": "null"' not in str(document).replace("'", '"')
    assert document["paths"].keys() == httpx.get(f"{live_server}/openapi.json").json()["paths"].keys()
