"""The built wheel carries the catalogue: a non-editable install finds it outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_installed_wheel_carries_the_catalogue(tmp_path):
    wheels = tmp_path / "wheels"
    # --no-build-isolation: CI machines reach PyPI, but the build backend is already here.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (wheel,) = wheels.glob("orbitkit-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    code_packages = {p.parent.relative_to(REPO).as_posix()
                     for p in (REPO / "orbitkit").rglob("__init__.py")}
    missing = sorted(p for p in code_packages if not (target / p / "__init__.py").is_file())
    assert not missing, f"packages missing from the wheel (add them to pyproject.toml): {missing}"
    assert (target / "orbitkit" / "_catalog" / "beidou-3.toml").is_file()
    assert (target / "orbitkit" / "_catalog" / "sites.toml").is_file()
    # orbitkit serve's page files and the land it draws its maps from
    for name in ("index.html", "app.js", "style.css"):
        assert (target / "orbitkit" / "web" / "static" / name).is_file(), name
    assert (target / "orbitkit" / "data" / "naturalearth" / "ne_110m_land.geojson").is_file()
    assert (target / "orbitkit" / "conjunctions" / "screen.py").is_file()

    probe = (
        "import json, orbitkit, orbitkit.catalog as c; "
        "cat = c.load_catalog(); "
        "print(json.dumps({'file': orbitkit.__file__, 'dir': str(c.builtin_catalog_dir()), "
        "'systems': len(cat), 'bds3': len(cat.system('beidou-3').members)}))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "ORBITKIT_CONFIG_DIR": str(tmp_path / "cfg")}
    # Run from an empty folder so the checkout's catalog/ cannot be picked up by accident.
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    found = json.loads(out)
    assert found["file"].startswith(str(target))
    assert found["dir"].startswith(str(target))
    assert found["systems"] > 20
    assert found["bds3"] == 35

    # orbitkit serve from the installed wheel: its page and page files, offline
    probe = (
        "import json, warnings; warnings.simplefilter('ignore'); "
        "from starlette.testclient import TestClient; "
        "import orbitkit.web.app as w; "
        "c = TestClient(w.create_app(offline=True)); "
        "print(json.dumps({'app': w.__file__, 'page': c.get('/').status_code, "
        "'js': c.get('/static/app.js').status_code, 'land': c.get('/api/land').status_code}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    served = json.loads(out)
    assert served["app"].startswith(str(target))
    assert served["page"] == served["js"] == served["land"] == 200
