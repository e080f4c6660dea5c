"""Benchmark of the planning page (``orbitkit serve``) as a person meets it (issue 19).

Run: ``python benchmarks/bench_web.py`` (from the repository; about a minute). Needs the
2026-02-24 CelesTrak snapshot (``../shared/data``) and, for the browser part, Debian's
``chromium`` and ``chromium-driver`` with selenium. Prints one table and writes nothing.

Cases (goals from the issue, on a 2-core machine):

1. First view: a fresh headless Chromium opens ``/?lat=..&lon=..&date=..`` for Beijing and
   the page has drawn everything (sky plot, charts, world PDOP map, passes, ground track):
   wall time from navigation to the page's ``data-state="ready"``. Goal < 2 s.
2. A change of place (typed ``LAT,LON``) and a change of day: wall time from pressing Show
   to ``ready`` again, every endpoint it calls included. Goal < 1 s for BeiDou-3 over a day.

Reference measured in the same run: the CLI computing the same numbers in one process,
``orbitkit coverage beidou-3 --site .. --region <that point>`` plus ``orbitkit passes
tiangong --days 3`` (start-up and element loading included), so the ratio says what the
page costs beyond the work itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) \
    / "tle" / "celestrak-active-2026-02-24.tle"
DAY = "2026-02-24"
CLI = [sys.executable, "-c", "from orbitkit.cli import entry_point; entry_point()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli_reference() -> float:
    t0 = time.perf_counter()
    subprocess.run(CLI + ["coverage", "beidou-3", "--elements", str(SNAPSHOT), "--offline",
                          "--start", f"{DAY}T00:00:00Z", "--site", "39.9042,116.4074",
                          "--region", "39.9042,39.9042,116.4074,116.4074", "--format", "json"],
                   check=True, capture_output=True)
    subprocess.run(CLI + ["passes", "tiangong", "--station", "39.9042,116.4074", "--start",
                          f"{DAY}T00:00:00Z", "--days", "3", "--elements", str(SNAPSHOT),
                          "--offline", "--format", "json"], check=True, capture_output=True)
    return time.perf_counter() - t0


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tempfile.mkdtemp()}", "--window-size=1400,2000"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _wait_ready(driver, timeout: float = 60.0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.02).until(
        lambda d: d.execute_script("return document.body.dataset.state") == "ready")


def _submit(driver, place: str | None = None, day: str | None = None) -> float:
    driver.execute_script("document.body.dataset.state = 'typing'")
    if place is not None:
        box = driver.find_element("css selector", '[data-testid="place-input"]')
        box.clear()
        box.send_keys(place)
    if day is not None:
        driver.execute_script("document.getElementById('date').value = arguments[0]", day)
    t0 = time.perf_counter()
    driver.find_element("css selector", '[data-testid="go"]').click()
    _wait_ready(driver)
    return time.perf_counter() - t0


def main() -> None:
    if not SNAPSHOT.is_file():
        sys.exit(f"snapshot not found: {SNAPSHOT}")
    reference = min(_cli_reference() for _ in range(2))
    port = _free_port()
    server = subprocess.Popen(CLI + ["serve", "--offline", "--elements", str(SNAPSHOT),
                                     "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/info", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
            sys.exit("chromium / chromium-driver not installed: apt-get install -y chromium "
                     "chromium-driver")
        driver = _browser()
        try:
            firsts, places, days = [], [], []
            for i in range(3):
                t0 = time.perf_counter()
                # a different day each time, so nothing is served from the server's cache
                driver.get(f"{url}/?lat=39.9042&lon=116.4074&date=2026-02-{20 + i}")
                _wait_ready(driver)
                firsts.append(time.perf_counter() - t0)
                places.append(_submit(driver, place=f"22.{3 + i},114.17"))
                days.append(_submit(driver, day=f"2026-02-{24 + i}"))
        finally:
            driver.quit()
        rows = [("first view (Beijing, one day, everything drawn)", firsts, 2.0),
                ("change of place (typed LAT,LON)", places, 1.0),
                ("change of day", days, 1.0)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"reference: the CLI computing the same numbers (coverage --site + passes, two "
          f"processes): {reference:.2f} s")
    print(f"{'case':52s} {'best':>7s} {'worst':>7s} {'goal':>6s} {'best/reference':>15s}")
    for name, values, goal in rows:
        print(f"{name:52s} {min(values):6.2f}s {max(values):6.2f}s {goal:5.1f}s "
              f"{min(values) / reference:14.2f}x")


if __name__ == "__main__":
    main()
