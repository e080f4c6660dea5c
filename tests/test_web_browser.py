"""The planning page in a real browser: Debian's headless Chromium, driven by selenium
through Debian's chromedriver, against a real ``orbitkit serve`` process (issue 19).

What is checked is what a person sees, compared with the command line's JSON for the same
inputs: BeiDou-3 satellites in view and PDOP over a day for Beijing (every one of the 144
epochs drawn), the sky plot's satellites at the slider's time, Tiangong's passes over Hong
Kong row by row; bad input answered with a message on the page; a screenshot that is not
blank. Nothing is downloaded: the browser and its driver are system packages
(``.ci/run`` installs them), and the page loads only from the server.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from orbitkit.cli import main

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DAY = "2026-02-24"
BEIJING = "39.9042,116.4074"
HONG_KONG = "22.3193,114.1694"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="headless browser tests need Debian's chromium and "
                       "chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                       "apt-get install -y chromium chromium-driver"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(active_2026, tmp_path_factory):
    """``orbitkit serve --offline --elements <2026-02-24 snapshot>`` on a free local port."""
    port = _free_port()
    home = tmp_path_factory.mktemp("serve-home")
    env = {**os.environ, "ORBITKIT_CACHE_DIR": str(home / "cache"),
           "ORBITKIT_CONFIG_DIR": str(home / "config"), "ORBITKIT_OFFLINE": "1"}
    log = open(home / "serve.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-c", "from orbitkit.cli import entry_point; entry_point()",
         "serve", "--offline", "--elements", str(active_2026), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/info", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"orbitkit serve did not start: {log.read()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1400,2000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def settle(driver, timeout: float = 60.0) -> str:
    """Wait until the page has drawn everything it asked for; its final state."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.body.dataset.state") in ("ready", "error"))
    return driver.execute_script("return document.body.dataset.state")


def by_testid(driver, testid: str):
    return driver.find_element("css selector", f'[data-testid="{testid}"]')


def cli_json(capsys, *argv: str):
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads(out)


def enter_place(driver, text: str) -> None:
    """Type a place into the LAT,LON box and press Show, as a person would."""
    box = by_testid(driver, "place-input")
    box.clear()
    box.send_keys(text)
    driver.execute_script("document.body.dataset.state = 'typing'")
    by_testid(driver, "go").click()


def test_beijing_day_sky_and_hong_kong_passes_match_the_cli(server, browser, capsys,
                                                            active_2026, tmp_path):
    """The issue's 'done when': BeiDou-3 in view and PDOP over a day for Beijing, the sky
    plot, and Tiangong's passes over Hong Kong, equal to the CLI's JSON."""
    browser.get(f"{server}/?lat=39.9042&lon=116.4074&date={DAY}&t=36")
    assert settle(browser) == "ready", by_testid(browser, "message").text
    coverage = cli_json(capsys, "coverage", "beidou-3", "--elements", str(active_2026),
                        "--offline", "--start", f"{DAY}T00:00:00Z", "--site", BEIJING,
                        "--region", "39.9042,39.9042,116.4074,116.4074", "--format", "json")
    site = coverage["site"]

    # the two charts hold the whole day: 144 epochs, 00:00 to 24:00
    for testid in ("visible-chart", "dop-chart"):
        chart = by_testid(browser, testid)
        assert chart.get_attribute("data-points") == "144"
        assert chart.get_attribute("data-first") == f"{DAY}T00:00:00Z"
        assert chart.get_attribute("data-last") == f"{DAY}T23:50:00Z"
        assert float(chart.get_attribute("data-hours")) == 24.0
    visible_chart = by_testid(browser, "visible-chart")
    assert int(visible_chart.get_attribute("data-min")) == min(site["visible"])
    assert int(visible_chart.get_attribute("data-max")) == max(site["visible"])
    dop = by_testid(browser, "dop-chart")
    assert int(dop.get_attribute("data-pdop-points")) == sum(v is not None for v in site["pdop"])
    for key in ("pdop", "hdop", "vdop"):
        path = dop.find_element("css selector", f'path[data-series="{key}"]')
        assert path.get_attribute("d").count("L") >= 140  # a line through every epoch

    # the sky plot at the slider's epoch (t=36: 06:00) shows exactly the satellites counted
    sky = by_testid(browser, "sky-plot")
    assert sky.get_attribute("data-time") == f"{DAY}T06:00:00Z"
    dots = sky.find_elements("css selector", "circle.sat")
    above = [d for d in dots if d.get_attribute("data-masked") == "0"]
    assert len(above) == site["visible"][36] == int(sky.get_attribute("data-above"))
    assert all(float(d.get_attribute("data-el")) >= 10.0 for d in above)
    assert f"{site['visible'][36]} in view" in by_testid(browser, "sky-time").text
    # moving the slider moves the sky
    slider = by_testid(browser, "time-slider")
    browser.execute_script("arguments[0].value = 108; arguments[0].dispatchEvent("
                           "new Event('input'))", slider)
    assert sky.get_attribute("data-time") == f"{DAY}T18:00:00Z"
    assert int(sky.get_attribute("data-above")) == site["visible"][108]
    assert "t=108" in browser.current_url

    # Hong Kong, typed in: Tiangong's passes over the three days, row for row
    enter_place(browser, HONG_KONG)
    assert settle(browser) == "ready", by_testid(browser, "message").text
    assert "lat=22.3193" in browser.current_url and "lon=114.1694" in browser.current_url
    passes = cli_json(capsys, "passes", "tiangong", "--station", HONG_KONG, "--start",
                      f"{DAY}T00:00:00Z", "--days", "3", "--elements", str(active_2026),
                      "--offline", "--format", "json")
    passes = [p for p in passes if "rise_utc" in p]
    rows = by_testid(browser, "passes-table").find_elements("css selector", "tr[data-pass]")
    assert len(rows) == len(passes) >= 10
    assert [r.get_attribute("data-rise") for r in rows] == [p["rise_utc"] for p in passes]
    assert [r.get_attribute("data-visible") == "1" for r in rows] == [p["visible"]
                                                                      for p in passes]
    assert any(p["visible"] for p in passes)
    ics = by_testid(browser, "export-ics").get_attribute("href")
    assert "/api/passes.ics?" in ics and "station=22.3193%2C114.1694" in ics

    # the station's ground track is on the map, and the place marker
    world = by_testid(browser, "world-map")
    assert world.find_elements("css selector", '[data-role="station-now"]')
    assert len(world.find_elements("css selector", '[data-role="ground-track"] path')) >= 2
    assert world.find_elements("css selector", '[data-role="pdop-map"] rect')
    # ... and moves as time passes: the page asks for it again every 10 s
    from selenium.webdriver.support.ui import WebDriverWait

    note = by_testid(browser, "track-note").text
    assert note.startswith("CSS (TIANHE) at 2026-02-24 ")
    WebDriverWait(browser, 25).until(
        lambda d: by_testid(d, "track-note").text not in ("", note))

    # a screenshot that is not blank
    shot = tmp_path / "serve.png"
    assert browser.save_screenshot(str(shot))
    import matplotlib.image as mpimg
    import numpy as np

    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[0] > 500 and pixels.shape[1] > 800
    colours = np.unique((pixels.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 200, "the screenshot is (nearly) blank"
    assert pixels.std() > 0.05
    if os.environ.get("ORBITKIT_GALLERY"):  # refresh docs/gallery/serve.png from the real page
        shutil.copy(shot, os.environ["ORBITKIT_GALLERY"])


def test_place_from_the_catalogue_and_the_url_restores_the_view(server, browser):
    """Picking a catalogue site sets the place; a link with the state shows the same view."""
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server}/?lat=0&lon=0&date={DAY}")
    assert settle(browser) == "ready"
    select = Select(by_testid(browser, "site-select"))
    option = next(o for o in select.options if o.get_attribute("data-key") == "beijing")
    browser.execute_script("document.body.dataset.state = 'typing'")
    select.select_by_visible_text(option.text)
    assert settle(browser) == "ready"
    url = browser.current_url
    assert "lat=39.9" in url and "lon=116.4" in url
    first = by_testid(browser, "sky-plot").get_attribute("data-above")
    browser.get(url)
    assert settle(browser) == "ready"
    assert by_testid(browser, "place-input").get_attribute("value").startswith("39.9")
    assert by_testid(browser, "sky-plot").get_attribute("data-above") == first


@pytest.mark.parametrize(("place", "date", "words"), [
    ("200,100", DAY, ["lat", "200", "-90"]),
    ("Beijing please", DAY, ["LAT,LON"]),
    (BEIJING, "2030-01-01", ["outside the span", "newer --elements"]),
])
def test_bad_input_gets_a_clear_message_on_the_page(server, browser, tried, place, date,
                                                    words):
    browser.get(f"{server}/?lat=39.9&lon=116.4&date={DAY}")
    assert settle(browser) == "ready"
    if date != DAY:
        browser.get(f"{server}/?lat=39.9&lon=116.4&date={date}")
    else:
        enter_place(browser, place)
    assert settle(browser) == "error"
    message = by_testid(browser, "message")
    assert message.get_attribute("role") == "alert" and "error" in message.get_attribute("class")
    for word in words:
        assert word in message.text, (word, message.text)
    assert "Traceback" not in browser.page_source
    tried("web page bad inputs")


def test_the_server_serves_only_its_own_files(server, tried):
    """Paths that climb out, sent as raw request lines (no client normalises them), are 404
    JSON answers; so are names outside the page's file table."""
    host, port = server.removeprefix("http://").split(":")
    for path in ("/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                 "/static/..%2F..%2Fetc%2Fpasswd", "/static/%252e%252e%252fetc%252fpasswd",
                 "/static/....//....//etc/passwd", "/static//etc/passwd",
                 "/static/%00", "/static/app.js%00.html", "/../../etc/passwd",
                 "/static/../web/app.py", "/static/../../orbitkit/web/api.py"):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
        conn.endheaders()
        r = conn.getresponse()
        body = r.read()
        conn.close()
        assert r.status in (400, 404), (path, r.status)
        assert b"root:" not in body and b"import " not in body, path
        tried("web path traversal attempts")


def test_multi_gnss_and_a_horizon_file(server, browser, tmp_path):
    """BeiDou-3 with GPS/Galileo/GLONASS (the snapshot holds all four) sees more satellites
    than BeiDou-3 alone; a horizon file read by the page hides the satellites behind it,
    as the endpoint counts them."""
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server}/?lat=39.9042&lon=116.4074&date={DAY}&t=0")
    assert settle(browser) == "ready"
    alone = int(by_testid(browser, "visible-chart").get_attribute("data-max"))
    select = Select(by_testid(browser, "gnss-select"))
    values = [o.get_attribute("value") for o in select.options]
    assert "beidou-3,gps,galileo,glonass" in values and "gnss" in values
    browser.execute_script("document.body.dataset.state = 'typing'")
    select.select_by_value("beidou-3,gps,galileo,glonass")
    assert settle(browser) == "ready", by_testid(browser, "message").text
    assert "gnss=beidou-3%2Cgps%2Cgalileo%2Cglonass" in browser.current_url
    together = int(by_testid(browser, "visible-chart").get_attribute("data-max"))
    assert together > alone + 15
    classes = set(by_testid(browser, "sky-plot").get_attribute("data-classes").split(","))
    assert {"MEO", "GPS", "Galileo", "GLONASS"} <= classes

    horizon = tmp_path / "wall.txt"
    horizon.write_text("# a wall to the south\n0 5\n90 5\n180 60\n270 5\n", encoding="utf-8")
    select.select_by_value("beidou-3")
    assert settle(browser) == "ready"
    browser.execute_script("document.body.dataset.state = 'typing'")
    by_testid(browser, "horizon-input").send_keys(str(horizon))
    assert settle(browser) == "ready", by_testid(browser, "message").text
    sky = by_testid(browser, "sky-plot")
    assert sky.find_elements("css selector", '[data-role="horizon"]')
    with urllib.request.urlopen(
            f"{server}/api/planning?lat=39.9042&lon=116.4074&date={DAY}&horizon="
            + urllib.request.quote(horizon.read_text())) as r:
        api = json.load(r)
    assert int(sky.get_attribute("data-above")) == api["visible"][0]
    dots = sky.find_elements("css selector", "circle.sat[data-masked='1']")
    assert dots, "the wall hides some satellites"


def test_map_click_and_mask_number(server, browser):
    """A click on the world map chooses that place (the URL follows); the mask number
    re-counts the sky as the endpoint does for that mask."""
    browser.get(f"{server}/?lat=0&lon=0&date={DAY}&t=0")
    assert settle(browser) == "ready"
    browser.execute_script("document.body.dataset.state = 'typing'")
    # a person's click at 30 N, 120 E: the point's place on the screen from the map's own
    # transform, then a real mouse event there
    browser.execute_script("""
        const svg = document.querySelector('[data-testid="world-map"]');
        const p = svg.createSVGPoint();
        p.x = (120 + 180) * 2; p.y = (90 - 30) * 2;
        const s = p.matrixTransform(svg.getScreenCTM());
        svg.dispatchEvent(new MouseEvent('click', {clientX: s.x, clientY: s.y, bubbles: true}));
    """)
    assert settle(browser) == "ready"
    lat, lon = (float(v) for v in
                by_testid(browser, "place-input").get_attribute("value").split(","))
    assert abs(lat - 30) < 0.6 and abs(lon - 120) < 0.6  # a pixel is half a degree
    assert f"lat={lat:g}" in browser.current_url
    place = browser.find_element("css selector", '[data-role="place"]')
    assert place.get_attribute("cx") == str((lon + 180) * 2)

    def set_mask(value: str) -> str:
        browser.execute_script(
            "document.body.dataset.state = 'typing'; arguments[0].value = arguments[1]; "
            "arguments[0].dispatchEvent(new Event('change'))", by_testid(browser, "mask-input"),
            value)
        return settle(browser)

    # out of range: the server's message, not a silently blocked form
    assert set_mask("95") == "error"
    assert "'mask_deg': 95 is outside [-10, 90)" in by_testid(browser, "message").text
    assert set_mask("30") == "ready"
    assert "mask=30" in browser.current_url
    with urllib.request.urlopen(f"{server}/api/planning?lat={lat}&lon={lon}&date={DAY}"
                                "&mask_deg=30") as r:
        api = json.load(r)
    sky = by_testid(browser, "sky-plot")
    assert int(sky.get_attribute("data-above")) == api["visible"][0]
    assert int(by_testid(browser, "visible-chart").get_attribute("data-max")) == max(
        api["visible"])
