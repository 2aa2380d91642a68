"""A private Mosquitto on a free local port, for the MQTT test and bench/sensors.py.

Uses the OS package's binary (``mosquitto``, installed by scripts/setup.sh),
so the test runs on any machine the project has set up, never against a
broker someone else is using.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"

# No persistence, anonymous on loopback only, with the deployment's queue and
# in-flight limits (deploy/mosquitto-gridmgmt.conf), so the benchmark measures
# the broker as deployed.
DEPLOYED_SETTINGS = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto-gridmgmt.conf"
CONFIG = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def mosquitto_running(timeout_s: float = 10.0, port: int | None = None):
    """Start Mosquitto on ``port`` (None: a free one); yields the port; stops it on exit.

    RuntimeError if it does not come up (e.g. the port is taken).
    """
    if not Path(MOSQUITTO).exists():
        raise RuntimeError(f"no mosquitto binary at {MOSQUITTO}: run scripts/setup.sh (OS package 'mosquitto')")
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="gridmgmt-mosquitto-") as tmp:
        config = Path(tmp) / "mosquitto.conf"
        config.write_text(CONFIG.format(port=port) + DEPLOYED_SETTINGS.read_text())
        process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"mosquitto did not start on port {port}: "
                                           f"{process.stderr.read().decode(errors='replace') if process.poll() is not None else 'timeout'}") from None
                    time.sleep(0.05)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
