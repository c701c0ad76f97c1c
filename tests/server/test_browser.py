"""End to end in headless Chromium: the UI loads offline and a named-query example shows rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from serkg.web.ui import YASGUI_BUILD, ui_dir

from .conftest import RunningServer

pytestmark = [pytest.mark.server, pytest.mark.browser]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from tests.conftest import require_tool

    chromium = require_tool("chromium", "the browser test drives headless Chromium")
    driver_path = require_tool("chromedriver", "Selenium talks to Chromium through chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        # no internet: nothing may come from a CDN
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_named_query_example_runs_in_yasgui(server: RunningServer, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not (ui_dir() / YASGUI_BUILD / "yasgui.min.js").exists():
        pytest.fail(f"the UI is not installed in {ui_dir()}: run scripts/install-ui.sh")
    examples = {e["name"]: e for e in httpx.get(server.url + "/ui/examples.json").json()}
    example = examples["compound-profile"]  # the identity card; its example is kg:l-serine
    assert "<https://w3id.org/serkg/id/l-serine>" in example["query"]

    browser.get(server.url + "/")
    wait = WebDriverWait(browser, 30)
    button = wait.until(
        lambda d: d.find_element(
            By.CSS_SELECTOR, f"button.serkg-example[data-query='{example['name']}']"
        )
    )
    button.click()
    cells = wait.until(
        lambda d: [
            c for c in d.find_elements(By.CSS_SELECTOR, ".yasr table td") if "56-45-1" in c.text
        ]
    )
    assert cells
    loaded = [
        entry["name"]
        for entry in browser.execute_script("return performance.getEntriesByType('resource')")
    ]
    assert loaded and all(url.startswith(server.url) for url in loaded), loaded


def test_ui_page_without_install_says_how(server: RunningServer, tmp_path: Path) -> None:
    """The install hint is what `/` shows when the UI folder is empty (checked in-process)."""
    from serkg.web.ui import ui_missing_page

    page = ui_missing_page(tmp_path)
    assert "scripts/install-ui.sh" in page and str(tmp_path) in page
    assert httpx.get(server.url + "/ui/not-a-file.js").status_code == 404
