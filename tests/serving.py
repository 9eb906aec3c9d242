"""Helpers for tests that run Huiqi as a real server process and drive it with headless Chromium
(the browser smoke test, the two-browser conflict test)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (.ci/system-deps test)",
)


@contextmanager
def running_huiqi(*args: str, data_dir: Path, env: dict[str, str], ready_path: str) -> Iterator[str]:
    """``huiqi ARGS --port N`` in a subprocess on ``data_dir``; yields its URL once ``ready_path`` answers."""
    port = free_port()
    full_env = {**os.environ, "HUIQI_DATA_DIR": str(data_dir), **env}
    full_env.pop("PYTEST_CURRENT_TEST", None)  # NiceGUI would think it runs under its own screen fixture
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ui.cli import main; main()", *args, "--port", str(port)],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, path=ready_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        print(proc.stdout.read().decode(errors="replace"))  # shown when the test fails
        proc.stdout.close()


def chromium(profile_dir: Path) -> Any:
    """A headless Chromium session (selenium) with its own profile, so its own cookies."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile_dir}",
        "--window-size=1440,900",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], *, path: str, timeout: float = 30) -> None:
    """Wait until ``url + path`` answers 200; fail with the server's output if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise AssertionError(f"the server exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server did not answer at {url}{path} within {timeout} s")
