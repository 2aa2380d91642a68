"""`make serve` (scripts/serve.sh): production mode renders pages with their assets.

The real script on the test database: collectstatic into a temporary
STATIC_ROOT, gunicorn with DJANGO_DEBUG=0 and WhiteNoise, the Celery worker
and beat under honcho. Plain HTTP here (DJANGO_SECURE=0): TLS is nginx's job.
"""

import os
import re
import signal
import subprocess
import urllib.error
import urllib.request

import pytest

from gridmgmt.sensors.broker_process import mosquitto_running
from tests.ops.test_procfile import stopped_within, web_health
from tests.test_runserver_connections import REPO, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def broker_port():
    with mosquitto_running() as port:
        yield port


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory):
    """The served app's folder: its static and media roots, beat schedule and log."""
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def served(django_db_setup, serve_dir, broker_port):
    """scripts/serve.sh on a free port; yields its base URL; stops all of it afterwards.

    One start for the module's tests (a start is collectstatic, migrate, gunicorn, the worker and beat:
    16-25 s, the suite's longest fixture, 48-61 s under load): each test makes its own rows, which the
    served processes read from the test database, and flushed after it; nothing a test does changes the
    server. Its MQTT consumer reads the test's own Mosquitto under its own client id:
    never a developer's broker on 1883, nor the persistent session of their
    ``make run`` (whose queued readings it would take and store here).
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_CONN_MAX_AGE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DATABASE_URL=database_url(), DJANGO_SECRET_KEY="s" * 64, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SECURE="0", GRIDMGMT_BIND=f"127.0.0.1:{port}", GRIDMGMT_WEB_WORKERS="2",
               GRIDMGMT_STATIC_ROOT=str(serve_dir / "static"), GRIDMGMT_MEDIA_ROOT=str(serve_dir / "media"),
               GRIDMGMT_CELERY_QUEUE=f"test-serve-{os.getpid()}", GRIDMGMT_BEAT_SCHEDULE=str(serve_dir / "beat"),
               GRIDMGMT_MQTT_PORT=str(broker_port), GRIDMGMT_MQTT_CLIENT_ID=f"gridmgmt-test-serve-{os.getpid()}")
    log = open(serve_dir / "serve.log", "w+")
    serve = subprocess.Popen([str(REPO / "scripts" / "serve.sh")], cwd=REPO, env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert web_health(port) == 200, (serve_dir / "serve.log").read_text()[-3000:]
        yield f"http://127.0.0.1:{port}"
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    output = (serve_dir / "serve.log").read_text()
    assert {"web", "worker", "beat"} <= set(re.findall(r"(web|worker|beat)\.1 started", output)), output[-3000:]
    assert stopped_within({"serve": serve.pid}, seconds=15) == []


def test_production_pages_render_with_hashed_compressed_assets_pins_and_no_debug_page(served, browser):
    """The production server's pages, their assets and the map pins."""
    status, _, body = get(f"{served}/accounts/login/")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert any(re.fullmatch(r"/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", a) for a in assets), assets
    assert any(a.endswith(".css") for a in assets)
    for asset in assets:
        status, headers, content = get(f"{served}{asset}")
        assert status == 200 and content, asset
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), f"{asset} is not a content-hashed name"
        assert "max-age=315360000" in headers["Cache-Control"]  # hashed names never change
    status, headers, _ = get(f"{served}{assets[-1]}", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
    # Debug is off: an unknown page is a plain 404, not Django's technical page.
    status, _, body = get(f"{served}/no-such-page/")
    assert status == 404 and b"URLconf" not in body
    _assert_the_worker_s_pin_loads(served, browser)


def signed_in_opener(base: str, username: str):
    """A urllib opener holding the session of ``username`` (password ``pw``), signed in through the login form."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": "pw", "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"}),
                timeout=30)
    return opener


def test_production_serves_a_photo_to_its_reader_and_refuses_a_stranger(serve_dir, settings, served):
    """S5 under production settings: photos only through the jurisdiction-checked view, never as plain files."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gridmgmt.events.models import EventPhoto
    from gridmgmt.events.photos import photo_clean
    from tests import factories
    from tests.events.test_photos import camera_jpeg

    settings.MEDIA_ROOT = serve_dir / "media"  # the served app's GRIDMGMT_MEDIA_ROOT
    district = factories.district((113.26, 23.12, 113.28, 23.13))
    street = factories.street(district, (113.26, 23.12, 113.28, 23.13))
    community = factories.community(street, (113.26, 23.12, 113.28, 23.13))
    grid_a = factories.grid(community, (113.26, 23.12, 113.27, 23.13), sequence=1)
    grid_b = factories.grid(community, (113.27, 23.12, 113.28, 23.13), sequence=2)
    kind = factories.small_class("0101", "暴露垃圾")
    reader = factories.user("reader", "grid_worker", grid_code=grid_a.code)
    stranger = factories.user("stranger", "grid_worker", grid_code=grid_b.code)
    for user in (reader, stranger):  # the served process knows production's hasher only
        user.password = make_password("pw", hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
    event = factories.report(grid_a, kind, reporter=reader)
    cleaned = photo_clean(SimpleUploadedFile("IMG_1.JPG", camera_jpeg(), content_type="image/jpeg"))
    record = EventPhoto(event=event, content_type="image/jpeg", size_bytes=1)
    record.image.save(cleaned.content.name, cleaned.content)

    url = f"{served}{record.image.url}"
    with signed_in_opener(served, "reader").open(url, timeout=30) as response:
        assert response.status == 200 and response.read()[:2] == b"\xff\xd8"
    for opener in (signed_in_opener(served, "stranger"), urllib.request.build_opener()):
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(url, timeout=30)
        assert refused.value.code == 404


def _assert_the_worker_s_pin_loads(served: str, browser) -> None:
    """Leaflet guesses its pin images' folder from leaflet.css's URL; under collectstatic's hashed names
    (leaflet.<hash>.css) the guess failed and the worker's report pin was a broken image fetched from
    /worker/report/marker-icon.png (404). The pin now loads the hashed image, as in a browser under make serve."""
    from django.contrib.auth.hashers import make_password

    from tests import factories
    from tests.web.conftest import PHONE, WORKER_GPS

    whole = (113.26, 23.12, 113.28, 23.13)
    community = factories.community(factories.street(factories.district(whole), whole), whole)
    grid = factories.grid(community, (113.26, 23.12, 113.27, 23.13), sequence=1)  # holds WORKER_GPS
    worker = factories.user("worker", "grid_worker", grid_code=grid.code)
    worker.password = make_password("pw", hasher="pbkdf2_sha256")  # the served process knows production's hasher
    worker.save(update_fields=["password"])

    failed = []
    context = browser.new_context(base_url=served, viewport=PHONE, geolocation=WORKER_GPS,
                                  permissions=["geolocation"], service_workers="block")
    try:
        context.set_default_timeout(20000)
        page = context.new_page()
        page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
        page.goto("/accounts/login/")
        page.fill("#id_username", "worker")
        page.fill("#id_password", "pw")
        page.get_by_test_id("sign-in").click()
        page.wait_for_url("**/worker/")
        page.goto("/worker/report/")
        pin = page.locator("#report-map img.leaflet-marker-icon").first
        pin.wait_for()
        page.wait_for_function("img => img.complete", arg=pin.element_handle())
        source, width = pin.evaluate("img => [img.getAttribute('src'), img.naturalWidth]")
    finally:
        context.close()
    assert re.fullmatch(r"/static/vendor/leaflet/images/marker-icon\.[0-9a-f]{12}\.png", source), source
    assert width > 0 and failed == [], (source, width, failed)
