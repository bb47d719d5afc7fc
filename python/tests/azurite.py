"""An Azurite blob service for tests: a free port of 127.0.0.1, a temporary folder, stopped at the
end; SAS tokens signed with the emulator's well-known development account key (public, documented
by Microsoft), as cli/tests/support does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
SAS_VERSION = "2021-08-06"
EXPIRY, PROTOCOL = "2099-01-01T00:00:00Z", "https,http"


def _sign(text: str) -> str:
    digest = hmac.new(base64.b64decode(ACCOUNT_KEY), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _query(fields: dict) -> str:
    return urllib.parse.urlencode(fields, safe="", quote_via=urllib.parse.quote)


def account_sas() -> str:
    """An account SAS allowing everything (to create containers)."""
    permissions, services, types = "rwdlacup", "b", "sco"
    sign = (
        f"{ACCOUNT}\n{permissions}\n{services}\n{types}\n\n"
        f"{EXPIRY}\n\n{PROTOCOL}\n{SAS_VERSION}\n\n"
    )
    return _query(
        {
            "sv": SAS_VERSION,
            "ss": services,
            "srt": types,
            "sp": permissions,
            "se": EXPIRY,
            "spr": PROTOCOL,
            "sig": _sign(sign),
        }
    )


def container_sas(container: str, permissions: str) -> str:
    """A service SAS for one container (`rcl`: what a data scientist holds to publish)."""
    sign = (
        f"{permissions}\n\n{EXPIRY}\n/blob/{ACCOUNT}/{container}\n\n\n"
        f"{PROTOCOL}\n{SAS_VERSION}\nc\n\n\n\n\n\n\n"
    )
    return _query(
        {
            "sv": SAS_VERSION,
            "sr": "c",
            "sp": permissions,
            "se": EXPIRY,
            "spr": PROTOCOL,
            "sig": _sign(sign),
        }
    )


def _binary() -> Path:
    given = os.environ.get("AZURITE_BLOB")
    binary = Path(given) if given else ROOT / "node_modules" / ".bin" / "azurite-blob"
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is missing: run scripts/setup.sh (or set AZURITE_BLOB)")
    return binary


class Azurite:
    """A running azurite-blob; use as a context manager."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                str(_binary()),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(self.port),
                "--location",
                str(folder),
                "--skipApiVersionCheck",
                "--loose",
                "--silent",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("azurite-blob did not start within 30 s") from error
                time.sleep(0.1)

    def container_url(self, container: str) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT}/{container}"

    def create_container(self, container: str) -> None:
        request = urllib.request.Request(
            f"{self.container_url(container)}?restype=container&{account_sas()}",
            method="PUT",
            headers={"x-ms-version": SAS_VERSION},
        )
        urllib.request.urlopen(request, timeout=10).close()

    def blob(self, container: str, name: str) -> bytes:
        with urllib.request.urlopen(
            f"{self.container_url(container)}/{name}?{account_sas()}", timeout=10
        ) as response:
            return response.read()

    def __enter__(self) -> Azurite:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
