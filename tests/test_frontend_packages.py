"""Front-end libraries: pinned in frontend/package.json, locked, installed by npm ci, served under static/vendor/."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
PACKAGE = json.loads((FRONTEND / "package.json").read_text())
LOCK = json.loads((FRONTEND / "package-lock.json").read_text())


@pytest.mark.parametrize("name", sorted(PACKAGE["dependencies"]))
def test_each_dependency_is_pinned_locked_and_installed_at_the_same_version(name):
    pinned = PACKAGE["dependencies"][name]
    assert pinned[0].isdigit(), f"{name} must be pinned to one version, not a range: {pinned}"
    assert LOCK["packages"][f"node_modules/{name}"]["version"] == pinned
    installed = json.loads((FRONTEND / "node_modules" / name / "package.json").read_text())
    assert installed["version"] == pinned


@pytest.mark.parametrize("path, package", [
    ("vendor/leaflet/leaflet.js", "leaflet"),
    ("vendor/leaflet/leaflet.css", "leaflet"),
    ("vendor/leaflet/images/marker-icon.png", "leaflet"),
    ("vendor/leaflet-geoman/leaflet-geoman.js", "@geoman-io/leaflet-geoman-free"),
    ("vendor/leaflet-geoman/leaflet-geoman.css", "@geoman-io/leaflet-geoman-free"),
    ("vendor/leaflet-vectorgrid/Leaflet.VectorGrid.bundled.js", "leaflet.vectorgrid"),
])
def test_vendor_static_path_is_served_from_the_npm_package(path, package):
    found = finders.find(path)
    assert found, f"static file {path} not found: run scripts/setup.sh (npm ci)"
    assert Path(found).is_relative_to(FRONTEND / "node_modules" / package)


def test_pages_load_the_npm_leaflet_while_the_admin_keeps_django_leaflets_own(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert '"version": "1.9.4"' in (FRONTEND / "node_modules" / "leaflet" / "package.json").read_text()
    # The admin's map widgets load the copy django-leaflet bundles with itself.
    assert finders.find("leaflet/leaflet.js")
