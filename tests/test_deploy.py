"""deploy/: the nginx site passes `nginx -t`, the systemd units pass `systemd-analyze verify`,
and the units, Procfiles and PgBouncer settings agree with each other."""

import configparser
import inspect
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from gridmgmt.sensors.mqtt import MqttConsumer

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = ["gridmgmt-web.service", "gridmgmt-worker.service", "gridmgmt-beat.service", "gridmgmt-mqtt.service"]


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "gridmgmt.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture
def certificate(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"], check=True, capture_output=True)
    return tmp_path / "cert.pem", tmp_path / "key.pem"


def nginx_test(tmp_path, site_text: str) -> subprocess.CompletedProcess:
    """`nginx -t` of the site inside a minimal main configuration, all paths under tmp_path."""
    (tmp_path / "site.conf").write_text(site_text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp_path}/site.conf;\n}}\n")
    return subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True)


def site_with(certificate) -> str:
    cert, key = certificate
    return ((DEPLOY / "nginx-gridmgmt.conf").read_text()
            .replace("/etc/ssl/gridmgmt/fullchain.pem", str(cert)).replace("/etc/ssl/gridmgmt/privkey.pem", str(key)))


def test_nginx_site_passes_nginx_t(tmp_path, certificate):
    result = nginx_test(tmp_path, site_with(certificate))
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_nginx_t_catches_a_broken_site(tmp_path, certificate):
    """The check above can fail: a directive outside its context is refused."""
    result = nginx_test(tmp_path, site_with(certificate).replace("client_max_body_size 100m;", "internal;"))
    assert result.returncode != 0 and "not allowed here" in result.stderr


def test_nginx_site_has_tls_photo_location_and_body_limit():
    site = (DEPLOY / "nginx-gridmgmt.conf").read_text()
    assert re.search(r"listen 443 ssl", site) and "return 301 https://" in site
    env = env_example()
    # The photo view's X-Accel-Redirect prefix names nginx's internal location for MEDIA_ROOT.
    prefix = env["GRIDMGMT_PHOTO_ACCEL_REDIRECT"]
    photos = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", site, re.S).group(1)
    assert "internal;" in photos and f"alias {env['GRIDMGMT_MEDIA_ROOT']}/;" in photos
    limit = re.search(r"client_max_body_size (\d+)m;", site)
    # A report's photos must fit: EVENTS_MAX_PHOTOS x GRIDMGMT_PHOTO_MAX_BYTES (9 x 10 MB).
    assert int(limit.group(1)) * 1024 * 1024 > settings.EVENTS_MAX_PHOTOS * settings.EVENTS_PHOTO_MAX_BYTES


def units_for_this_checkout(tmp_path) -> list[Path]:
    """The units with /srv/gridmgmt and the env file pointed at this checkout (verify checks that programs exist)."""
    paths = []
    for unit in UNITS:
        text = ((DEPLOY / unit).read_text().replace("/srv/gridmgmt", str(REPO))
                .replace("/etc/gridmgmt/gridmgmt.env", str(DEPLOY / "gridmgmt.env.example")))
        (tmp_path / unit).write_text(text)
        paths.append(tmp_path / unit)
    return paths


def test_systemd_units_pass_systemd_analyze_verify_without_warnings(tmp_path):
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units_for_this_checkout(tmp_path))],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_systemd_analyze_catches_a_bad_unit(tmp_path):
    unit = units_for_this_checkout(tmp_path)[0]
    unit.write_text(unit.read_text().replace("Type=notify", "Type=sometimes"))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True)
    assert "Failed to parse service type" in result.stderr


def procfile(name: str) -> dict[str, str]:
    lines = (REPO / name).read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_procfiles_and_units_run_web_worker_beat_and_mqtt_alike():
    development, production = procfile("Procfile"), procfile("Procfile.serve")
    assert set(development) == set(production) == {"web", "worker", "beat", "mqtt"}
    units = {unit: (DEPLOY / unit).read_text() for unit in UNITS}
    assert "gunicorn --config deploy/gunicorn.conf.py gridmgmt.wsgi" in production["web"]
    assert "gunicorn --config deploy/gunicorn.conf.py gridmgmt.wsgi" in units["gridmgmt-web.service"]
    for role in ("worker", "beat"):
        command = re.search(r"celery -A gridmgmt \w+", production[role]).group(0)
        assert command in development[role] and command in units[f"gridmgmt-{role}.service"]
    for commands in (development["mqtt"], production["mqtt"], units["gridmgmt-mqtt.service"]):
        assert "manage.py mqtt_consume" in commands
    env = env_example()  # the consumer's broker and session are settings of the deployment
    assert {"GRIDMGMT_MQTT_HOST", "GRIDMGMT_MQTT_PORT", "GRIDMGMT_MQTT_CLIENT_ID"} <= set(env)


def test_pgbouncer_pools_in_session_mode_on_the_port_the_app_uses():
    config = configparser.ConfigParser()
    config.read(DEPLOY / "pgbouncer.ini")
    env = env_example()
    assert config["pgbouncer"]["pool_mode"] == "session"  # prepared statements and 2PC need sessions
    assert config["pgbouncer"]["server_reset_query"] == "DISCARD ALL"
    url = urlparse(env["DATABASE_URL"])
    assert url.port == int(config["pgbouncer"]["listen_port"]) and url.path.lstrip("/") in config["databases"]
    assert env["DJANGO_CONN_MAX_AGE"] == "0"


def test_mosquitto_settings_start_a_broker_and_lift_the_default_limits(tmp_path):
    """The broker settings file runs in a real Mosquitto (the tests' and the bench's brokers use it too)."""
    import paho.mqtt.client as mqtt

    from gridmgmt.sensors.broker_process import DEPLOYED_SETTINGS, MOSQUITTO, free_port, mosquitto_running

    settings_text = (DEPLOY / "mosquitto-gridmgmt.conf").read_text()
    assert DEPLOYED_SETTINGS == DEPLOY / "mosquitto-gridmgmt.conf"
    values = dict(re.findall(r"^(max_\w+) (\d+)$", settings_text, re.M))
    batch = inspect.signature(MqttConsumer).parameters["batch_size"].default  # acknowledged once stored
    assert int(values["max_inflight_messages"]) >= 2 * batch and int(values["max_queued_messages"]) >= 1_000_000
    with mosquitto_running() as port:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        assert client.connect("127.0.0.1", port) == mqtt.MQTT_ERR_SUCCESS
        client.disconnect()
    # The check can fail: Mosquitto refuses a misspelt setting and exits.
    (tmp_path / "bad.conf").write_text(f"listener {free_port()} 127.0.0.1\n"
                                       + settings_text.replace("max_inflight_messages", "max_inflight_mesages"))
    result = subprocess.run([MOSQUITTO, "-c", str(tmp_path / "bad.conf")], capture_output=True, text=True,
                            timeout=10)
    assert result.returncode != 0 and "Unknown configuration variable" in result.stderr


def gunicorn_bind(monkeypatch, **env) -> str:
    """The ``bind`` deploy/gunicorn.conf.py gives under ``env`` (the other variables unset)."""
    import runpy

    for name in ("GRIDMGMT_BIND", "GRIDMGMT_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["bind"]


def test_make_serve_listens_on_gridmgmt_port_as_make_run_does(monkeypatch):
    """`GRIDMGMT_PORT=8124 make serve` listened on 8000 (the README's port variable, taken by `make run` only),
    on top of whatever else served there; GRIDMGMT_BIND (a server's Unix socket) still decides when given."""
    assert gunicorn_bind(monkeypatch) == "127.0.0.1:8000"
    assert gunicorn_bind(monkeypatch, GRIDMGMT_PORT="8124") == "127.0.0.1:8124"
    assert gunicorn_bind(monkeypatch, GRIDMGMT_PORT="8124",
                         GRIDMGMT_BIND="unix:/run/gridmgmt/web.sock") == "unix:/run/gridmgmt/web.sock"
