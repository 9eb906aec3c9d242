"""Smoke test in a real headless Chromium: the app starts, shows the enterprise list with demo data
in Chinese (real glyphs from the bundled font, not boxes), and a screenshot is saved.

Set HUIQI_UPDATE_SCREENSHOT=1 to also refresh the README's screenshot (ui/static/screenshot.png).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm import config, db
from crm.services.enterprises import create_enterprise
from tests.serving import chromium, needs_chromium, running_huiqi
from tests.ui.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
README_SHOT = ROOT / "ui" / "static" / "screenshot.png"

pytestmark = needs_chromium


def load_demo_data() -> None:
    """The demo set when crm.demo exists, else a small plausible set written through the services."""
    try:
        from crm.demo import load_demo
    except ModuleNotFoundError as exc:
        if exc.name != "crm.demo":
            raise
        _small_demo()
        return
    load_demo(count=60, seed=20240601, replace=True)


def _small_demo() -> None:
    from crm.domain import SPORTS_DIVISIONS, STREETS

    for data in SAMPLE:
        create_enterprise(dict(data))
    kinds = ["体育科技", "赛事运营", "健身管理", "体育文化传播", "运动器材", "电竞娱乐"]
    for i in range(30):
        create_enterprise(
            {
                "name": f"上海{STREETS[i % 12]}{kinds[i % 6]}有限公司{'' if i < 12 else f'（{i}）'}",
                "street": STREETS[i % 12],
                "sports_division": sorted(SPORTS_DIVISIONS)[i % 11],
                "registration_date": f"{2012 + i % 12}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                "registered_capital": f"{50 + 37 * i}万元",
                "tags": [["重点企业"], ["电竞"], []][i % 3],
            }
        )


@pytest.fixture
def server(huiqi_env: config.Settings) -> Iterator[str]:
    load_demo_data()
    db.dispose_engines()
    with running_huiqi(
        "app",
        "--no-browser",
        data_dir=huiqi_env.data_dir,
        env={"HUIQI_OFFICER": "张敏"},
        ready_path="/enterprises",
    ) as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    driver = chromium(tmp_path / "chromium")
    try:
        yield driver
    finally:
        driver.quit()


def test_enterprise_list_in_chromium(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/enterprises")
    wait = WebDriverWait(browser, 30)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".q-table tbody tr td")))
    assert "企业" in browser.find_element(By.TAG_NAME, "body").text
    rows = browser.find_elements(By.CSS_SELECTOR, ".q-table tbody tr")
    assert len(rows) >= 10
    # the CJK face must really be loaded, or a machine without a CJK font would show boxes
    wait.until(
        lambda d: d.execute_script(
            "return document.fonts.status === 'loaded' && [...document.fonts]"
            ".some(f => f.family.includes('Huiqi Sans SC') && f.status === 'loaded')"
        )
    )
    time.sleep(0.3)  # let the swapped-in font paint
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "enterprises.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
    if os.environ.get("HUIQI_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, README_SHOT)
    # at 1440 px the list's last column is not cut off
    assert browser.execute_script(
        "const t = document.querySelector('.q-table__middle'); return t.scrollWidth <= t.clientWidth"
    )
    # the header search reads dark on white while typing (it was white on white)
    box = browser.find_element(By.CSS_SELECTOR, ".huiqi-search input")
    box.click()
    box.send_keys("shty")
    script = (
        "const f = document.querySelector('.huiqi-search');"
        "return [getComputedStyle(f.querySelector('.q-field__control')).backgroundColor,"
        " getComputedStyle(f.querySelector('input')).color]"
    )
    # Quasar fades the background in: wait for the transition to end, then read both colours
    WebDriverWait(browser, 5).until(lambda d: d.execute_script(script)[0] == "rgb(255, 255, 255)")
    assert browser.execute_script(script) == ["rgb(255, 255, 255)", "rgb(29, 29, 29)"]
