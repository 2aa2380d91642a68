"""The web-app manifest and icons: a worker can add the app to a phone's home screen."""

import json

from django.contrib.staticfiles import finders
from PIL import Image


def manifest() -> dict:
    return json.loads(open(finders.find("manifest.webmanifest"), encoding="utf-8").read())


def test_manifest_starts_the_worker_app_standalone_with_icons_of_the_declared_sizes():
    data = manifest()
    assert (data["start_url"], data["display"], data["scope"]) == ("/worker/", "standalone", "/")
    purposes = set()
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = Image.open(path).size
        assert f"{width}x{height}" == icon["sizes"] and icon["type"] == "image/png"
        purposes.add((icon["purpose"], icon["sizes"]))
    assert {("any", "192x192"), ("any", "512x512"), ("maskable", "512x512")} <= purposes  # what installers ask


def test_every_page_links_the_manifest(client, small_district):
    client.force_login(small_district.users["worker"])
    html = client.get("/worker/").content.decode()
    assert 'rel="manifest" href="/static/manifest.webmanifest"' in html
