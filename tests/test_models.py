"""Model provisioning: downloads from a real local HTTP server, the offline build, the cache, the CLI.

Nothing here reaches MediaPipe's storage: downloads go to an HTTP server on 127.0.0.1 that
serves a bundle built offline (or a closed loopback port, see conftest.py).
"""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.errors import ModelMissingError
from bridge.pose import models
from bridge.pose.engine import Estimator, EstimatorOptions
from tests.cli_process import run_cli


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes, int | None]] = {}
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        status, body, length = self.routes.get(self.path, (404, b"not found", None))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def model_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[type[_Handler]]:
    """A real HTTP server on 127.0.0.1 standing in for MediaPipe's model storage, and an empty cache."""
    handler = type("Handler", (_Handler,), {"routes": {}, "hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("POSE_BRIDGE_MODEL_URL", f"http://127.0.0.1:{server.server_port}/m/{{name}}.task")
    monkeypatch.setenv("POSE_BRIDGE_CACHE", str(tmp_path / "cache"))
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_download_into_the_cache_and_use_it(model_server: type[_Handler], pose_model: Path) -> None:
    body = pose_model.read_bytes()
    model_server.routes["/m/heavy.task"] = (200, body, None)
    path = models.resolve_model("heavy")
    assert path == models.model_file("heavy") and path.read_bytes() == body
    assert _leftovers(path.parent) == ["pose_landmarker_heavy.task", "pose_landmarker_heavy.task.json"]
    [cached] = models.cached_models()
    assert (cached.name, cached.sha256) == ("heavy", hashlib.sha256(body).hexdigest())
    assert cached.origin.endswith("/m/heavy.task")
    # the second time it comes from the cache, without a request
    model_server.hits.clear()
    assert models.resolve_model("heavy") == path and model_server.hits == []
    with Estimator(EstimatorOptions(model="heavy")) as est:
        assert est.model_path == path


def test_a_known_hash_is_checked_and_a_bad_download_leaves_nothing(
    model_server: type[_Handler], pose_model: Path
) -> None:
    model_server.routes["/m/lite.task"] = (200, pose_model.read_bytes(), None)  # not the published lite bundle
    with pytest.raises(ModelMissingError, match="is corrupt"):
        models.fetch_model("lite")
    assert _leftovers(models.models_dir()) == []


def test_http_errors_and_truncated_downloads(model_server: type[_Handler], pose_model: Path) -> None:
    with pytest.raises(ModelMissingError, match="HTTP 404"):
        models.fetch_model("heavy")
    body = pose_model.read_bytes()
    model_server.routes["/m/heavy.task"] = (200, body[: len(body) // 2], len(body))  # the connection drops
    with pytest.raises(ModelMissingError, match="could not download"):
        models.fetch_model("heavy")
    assert _leftovers(models.models_dir()) == []


def test_something_that_is_not_a_bundle_is_not_kept(model_server: type[_Handler]) -> None:
    model_server.routes["/m/heavy.task"] = (200, b"<html>captive portal</html>", None)
    with pytest.raises(ModelMissingError, match="not a MediaPipe pose landmarker bundle"):
        models.fetch_model("heavy")
    assert not models.model_file("heavy").exists()


def test_offline_build_is_reproducible_and_loads(tmp_path: Path, pose_model: Path) -> None:
    wheel = models.download_wheel()  # normally cached by the build that made pose_model
    assert wheel == models.wheel_path() and models.sha256_of(wheel) == models.WHEEL_SHA256
    a = models.build_full_model(wheel, tmp_path / "a.task")
    b = models.build_full_model(wheel, tmp_path / "b.task")
    assert a.read_bytes() == b.read_bytes()  # same wheel, same bytes, on any machine
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == list(models.BUNDLE_MEMBERS)
        assert all(i.compress_type == zipfile.ZIP_STORED and i.header_offset >= 0 for i in infos)
    with Estimator(EstimatorOptions(model=str(a), static_image_mode=True)) as est:
        assert est.model_path == a


def test_full_is_built_offline_when_it_cannot_be_downloaded(
    model_server: type[_Handler], capfd: pytest.CaptureFixture[str]
) -> None:
    """No network to the model storage (here: 404) but the wheel at hand: --model full still works."""
    shutil.copy(_default_wheel(), models.wheel_path())
    path = models.resolve_model("full")
    assert path == models.model_file("full")
    assert "building it offline instead" in capfd.readouterr().err
    assert models.cached_models()[0].origin.startswith("built offline from mediapipe-0.10.21")


def _default_wheel() -> Path:
    """The wheel in the user's real cache (the fixture's POSE_BRIDGE_CACHE hides it)."""
    import os

    saved = os.environ.pop("POSE_BRIDGE_CACHE")
    try:
        wheel = models.download_wheel()
    finally:
        os.environ["POSE_BRIDGE_CACHE"] = saved
    models.wheel_path().parent.mkdir(parents=True, exist_ok=True)
    return wheel


def test_a_wheel_without_the_models_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("mediapipe/__init__.py", "")
    with pytest.raises(ModelMissingError, match="does not contain mediapipe/modules/pose_detection"):
        models.build_full_model(fake, tmp_path / "out.task")
    assert not (tmp_path / "out.task").exists()


def test_cli_fetch_list_and_build(model_server: type[_Handler], pose_model: Path, tmp_path: Path) -> None:
    model_server.routes["/m/heavy.task"] = (200, pose_model.read_bytes(), None)
    # the CLI inherits this process's environment: the local server and the empty cache
    fetched = run_cli("models", "fetch", "heavy")
    assert fetched.returncode == 0, fetched.stderr
    assert "heavy: " in fetched.stdout and "fetching BlazePose model 'heavy'" in fetched.stderr
    listed = run_cli("models", "list")
    assert listed.returncode == 0 and "heavy" in listed.stdout and str(models.models_dir()) in listed.stdout
    bad = run_cli("models", "build", "--wheel", str(tmp_path / "nope.whl"))
    assert bad.returncode == 2 and "no such wheel" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("models", "fetch", "lite")  # 404 on the local server
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr and "Traceback" not in missing.stderr


# --------------------------------------------------------------------------- the hand model (--hands, issue 10)


def test_hand_model_offline_build_is_reproducible_and_loads(tmp_path: Path, hand_model: Path) -> None:
    from bridge.pose.hands import HandFinder

    wheel = models.download_wheel()
    a = models.build_hand_model(wheel, tmp_path / "a.task")
    b = models.build_hand_model(wheel, tmp_path / "b.task")
    assert a.read_bytes() == b.read_bytes() == hand_model.read_bytes()  # same wheel, same bytes
    with zipfile.ZipFile(a) as zf:
        assert [i.filename for i in zf.infolist()] == list(models.HAND_BUNDLE_MEMBERS)
    HandFinder(a, static_image_mode=True).close()
    models.check_bundle(a, models.HAND_BUNDLE_MEMBERS, "hand landmarker")
    with pytest.raises(ModelMissingError, match="not a hand landmarker bundle"):
        models.check_bundle(models.model_file("full"), models.HAND_BUNDLE_MEMBERS, "hand landmarker")


def test_hand_model_download_and_offline_fallback(
    model_server: type[_Handler], hand_model: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """``--hands`` fetches hand_landmarker.task like a pose model; when that fails, it builds it from the wheel."""
    model_server.routes["/m/hand.task"] = (200, hand_model.read_bytes(), None)
    path = models.resolve_hand_model()
    assert path == models.model_file("hand") and path.name == "hand_landmarker.task"
    assert path.read_bytes() == hand_model.read_bytes()
    assert [m.name for m in models.cached_models()] == ["hand"]
    path.unlink()
    model_server.routes.clear()  # 404 now
    shutil.copy(_default_wheel(), models.wheel_path())
    assert models.resolve_hand_model() == path and path.is_file()
    err = capfd.readouterr().err
    assert "fetching hand landmarker model 'hand'" in err and "building it offline instead" in err
    assert models.cached_models()[0].origin.startswith("built offline from mediapipe-0.10.21")


def test_hand_model_from_a_closed_port_and_a_bad_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pose_model: Path
) -> None:
    monkeypatch.setenv("POSE_BRIDGE_CACHE", str(tmp_path / "cache"))  # empty: no wheel, no model
    with pytest.raises(ModelMissingError, match="could not download http://127.0.0.1:9/"):
        models.resolve_hand_model(build=False)
    with pytest.raises(ModelMissingError, match="not a hand landmarker bundle"):
        models.resolve_hand_model(str(pose_model))  # a pose bundle given as the hand model


def test_cli_fetch_and_build_the_hand_model(model_server: type[_Handler], hand_model: Path, tmp_path: Path) -> None:
    model_server.routes["/m/hand.task"] = (200, hand_model.read_bytes(), None)
    fetched = run_cli("models", "fetch", "hand")
    assert fetched.returncode == 0, fetched.stderr
    listed = run_cli("models", "list")
    assert listed.returncode == 0 and "hand " in listed.stdout and "hand_landmarker.task" in listed.stdout
    built = run_cli("models", "build", "--hands", "--wheel", str(_default_wheel()), "-o", str(tmp_path / "h.task"))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("hand: ") and (tmp_path / "h.task").read_bytes() == hand_model.read_bytes()
