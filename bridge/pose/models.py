"""BlazePose model bundles for MediaPipe's ``PoseLandmarker``: where they live, how they get there.

A model is named ``lite``, ``full`` (the default) or ``heavy``, or given as a path to a
``.task`` bundle. Named models live in a per-user cache (:func:`models_dir`)::

    Linux    ~/.cache/pose-bridge/models            ($XDG_CACHE_HOME respected)
    macOS    ~/Library/Caches/pose-bridge/models
    Windows  %LOCALAPPDATA%\\pose-bridge\\pose-bridge\\Cache\\models
    any      $POSE_BRIDGE_CACHE/models               (when the variable is set)

and get there in one of two ways:

- **online** (:func:`fetch_model`): downloaded from MediaPipe's model storage on first
  use, with a progress bar, written atomically (pooch downloads to a temporary name and
  renames) and checked against its SHA-256 where the hash is known;
- **offline** (:func:`build_full_model`): ``pose_landmarker_full.task`` is assembled from
  the BlazePose TFLite files inside the ``mediapipe==0.10.21`` wheel (Apache-2.0), which
  pip fetches from PyPI on any Python and platform. The Tasks API only accepts those
  float models once they carry NormalizationOptions metadata, which MediaPipe's own
  metadata writer adds; the input scaling comes from the legacy graph configs (detector
  to [-1, 1], landmark model to [0, 1]).

The hand landmarker of ``--hands`` (``hand_landmarker.task``, named ``hand`` in the cache) comes the
same two ways: :func:`resolve_hand_model` downloads MediaPipe's bundle, or :func:`build_hand_model`
assembles it from the same wheel's ``palm_detection_full.tflite`` and ``hand_landmark_full.tflite``
(both fed [0, 1] by their legacy graphs) through the same code path.

Each cached bundle has a small ``.json`` beside it saying where it came from and its
SHA-256 (``pose-bridge models list`` shows them). Downloads go to
``$POSE_BRIDGE_MODEL_URL`` when set (a template with ``{name}``): the tests point it at a
local HTTP server; nothing else should need it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelMissingError, UserError, missing_library_message

log = logging.getLogger("bridge.pose.models")

MODEL_NAMES = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"

#: MediaPipe's model storage; ``{name}`` is lite, full or heavy.
MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{name}/float16/1/pose_landmarker_{name}.task"
)
#: SHA-256 of the bundles in MediaPipe's storage, where published; others are downloaded unchecked.
KNOWN_SHA256 = {"lite": "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"}

#: The two models every pose landmarker bundle holds (MediaPipe's names inside the zip).
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

# The offline recipe: the last mediapipe wheel that carries the legacy BlazePose TFLite files.
# One fixed wheel (the Linux x86-64 one: its model files are the same on every platform) so
# that what is built is the same everywhere and can be checked byte for byte.
WHEEL_REQUIREMENT = "mediapipe==0.10.21"
WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_PLATFORM = "manylinux_2_28_x86_64"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
#: wheel member → (name in the bundle, SHA-256 of the member, input mean, input std, number of outputs)
WHEEL_MODELS = {
    "mediapipe/modules/pose_detection/pose_detection.tflite": (
        "pose_detector.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        127.5,  # pose_detection_cpu.pbtxt: tensor range [-1, 1]
        127.5,
        2,  # boxes + scores
    ),
    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite": (
        "pose_landmarks_detector.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        0.0,  # pose_landmark_by_roi_cpu.pbtxt: tensor range [0, 1]
        255.0,
        5,  # landmarks, presence, segmentation, heatmap, world landmarks
    ),
}

#: The hand landmarker (``--hands``): MediaPipe's storage, and its bundle's two models.
HAND_MODEL_NAME = "hand"
HAND_MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/hand_landmarker/hand_landmarker/float16/1/hand_landmarker.task"
)
HAND_BUNDLE_MEMBERS = ("hand_detector.tflite", "hand_landmarks_detector.tflite")
#: The hand models in the same wheel, as :data:`WHEEL_MODELS`. The legacy graphs that ran them feed both
#: with a tensor range of [0, 1] (``palm_detection_cpu.pbtxt`` and ``hand_landmark_cpu.pbtxt``:
#: ``output_tensor_float_range { min: 0.0 max: 1.0 }``; the wheel holds them compiled into its library, so
#: the values are copied here, like the pose ones).
HAND_WHEEL_MODELS = {
    "mediapipe/modules/palm_detection/palm_detection_full.tflite": (
        "hand_detector.tflite",
        "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
        0.0,  # palm_detection_cpu.pbtxt: tensor range [0, 1]
        255.0,
        2,  # boxes + scores
    ),
    "mediapipe/modules/hand_landmark/hand_landmark_full.tflite": (
        "hand_landmarks_detector.tflite",
        "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
        0.0,  # hand_landmark_cpu.pbtxt: tensor range [0, 1]
        255.0,
        4,  # landmarks, hand presence, handedness, world landmarks
    ),
}

_ENV_CACHE = "POSE_BRIDGE_CACHE"
_ENV_URL = "POSE_BRIDGE_MODEL_URL"


def cache_dir() -> Path:
    """pose-bridge's per-user cache: ``$POSE_BRIDGE_CACHE``, else the platform's cache folder."""
    env = os.environ.get(_ENV_CACHE)
    if env:
        return Path(env).expanduser()
    import pooch  # the platform conventions (XDG, ~/Library/Caches, %LOCALAPPDATA%) via platformdirs

    return Path(pooch.os_cache("pose-bridge"))


def models_dir() -> Path:
    """Where named models are cached (see the module docstring)."""
    return cache_dir() / "models"


def model_file(name: str) -> Path:
    """The cache path of the named model (it may not exist yet); ``hand`` is the hand landmarker."""
    if name == HAND_MODEL_NAME:
        return models_dir() / "hand_landmarker.task"
    return models_dir() / f"pose_landmarker_{name}.task"


def model_url(name: str) -> str:
    """Where :func:`fetch_model` downloads ``name`` from (``$POSE_BRIDGE_MODEL_URL`` serves ``hand`` too)."""
    env = os.environ.get(_ENV_URL)
    if env:
        return env.format(name=name)
    return HAND_MODEL_URL if name == HAND_MODEL_NAME else MODEL_URL.format(name=name)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class CachedModel:
    """A named model in the cache: its file, size, SHA-256 and where it came from."""

    name: str
    path: Path
    size: int
    sha256: str
    origin: str


def check_bundle(path: Path, members: tuple[str, ...] = BUNDLE_MEMBERS, what: str = "pose landmarker") -> None:
    """Raise :class:`ModelMissingError` unless ``path`` is a readable ``what`` bundle.

    A bundle is a zip holding ``members`` (:data:`BUNDLE_MEMBERS`, or :data:`HAND_BUNDLE_MEMBERS`
    for the hand landmarker); this catches a truncated download, an
    HTML error page saved as a model, or a hand-made bundle missing a model, before MediaPipe
    fails on it with a less helpful message.
    """
    if not path.is_file():
        raise ModelMissingError(f"no such model file: {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelMissingError(f"{path} is not a MediaPipe {what} bundle (.task): {exc}") from None
    missing = [m for m in members if m not in names]
    if missing:
        raise ModelMissingError(f"{path} is not a {what} bundle: it lacks {', '.join(missing)}")


def cached_models() -> list[CachedModel]:
    """The named models in the cache, in :data:`MODEL_NAMES` order, then the hand landmarker (``hand``)."""
    found = []
    for name in (*MODEL_NAMES, HAND_MODEL_NAME):
        path = model_file(name)
        if not path.is_file():
            continue
        info = _read_sidecar(path)
        sha = info.get("sha256") or sha256_of(path)
        found.append(CachedModel(name, path, path.stat().st_size, sha, info.get("origin", "unknown")))
    return found


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _read_sidecar(path: Path) -> dict[str, str]:
    try:
        data = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_sidecar(path: Path, origin: str) -> None:
    info = {"origin": origin, "sha256": sha256_of(path), "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    _atomic_write(_sidecar(path), json.dumps(info, indent=1).encode())


@contextlib.contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; on success it is synced and renamed to ``path``, else removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _atomic_write(path: Path, data: bytes) -> None:
    with _atomic_path(path) as tmp:
        tmp.write_bytes(data)


def resolve_model(spec: str, *, download: bool = True, build: bool = True) -> Path:
    """The bundle file for ``spec``: ``lite``/``full``/``heavy`` or a path to a ``.task`` file.

    A named model missing from the cache is downloaded (``download``); when that fails
    and the model is ``full``, it is built offline from the mediapipe 0.10.21 wheel
    (``build``). Progress and what is happening go to stderr (this can take a while once).

    Raises :class:`~bridge.errors.UserError` for a name that is neither a model nor a
    file, and :class:`~bridge.errors.ModelMissingError` saying what to do when the model
    cannot be had (no network, no cache).
    """
    if spec not in MODEL_NAMES:
        path = Path(spec).expanduser()
        if not path.exists():
            raise UserError(f"--model must be lite, full, heavy or a .task file, got {spec!r} (no such file)")
        check_bundle(path)
        return path
    path = model_file(spec)
    if path.is_file():
        check_bundle(path)  # a truncated or foreign file copied into the cache: say so, by name
        return path
    problems = []
    if download:
        try:
            return fetch_model(spec)
        except ModelMissingError as exc:
            problems.append(str(exc))
            if spec == "full" and build:
                print(f"pose-bridge: {exc}; building it offline instead", file=sys.stderr, flush=True)
    if spec == "full" and build:
        try:
            return build_full_model()
        except ModelMissingError as exc:
            problems.append(str(exc))
    how = (
        "run 'pose-bridge models build' (needs PyPI) or 'pose-bridge models fetch full' where there is internet"
        if spec == "full"
        else f"run 'pose-bridge models fetch {spec}' where there is internet"
    )
    raise ModelMissingError(
        f"BlazePose model '{spec}' is not installed ({path}): {'; '.join(problems) or 'downloads are off'}. "
        f"To get it: {how}, then copy the file to {path}, or pass --model PATH.task"
    )


def fetch_model(name: str) -> Path:
    """Download the named model into the cache (atomic, SHA-256 checked where known); return its path.

    Raises :class:`~bridge.errors.ModelMissingError` with one line saying why (no network,
    an HTTP error, a hash mismatch, not a bundle) and leaves no partial file behind.
    """
    if name not in (*MODEL_NAMES, HAND_MODEL_NAME):
        raise UserError(f"unknown model {name!r}: choose from {', '.join((*MODEL_NAMES, HAND_MODEL_NAME))}")
    import pooch  # with requests: loaded only when a model is downloaded, not at every start of the CLI
    import requests

    url = model_url(name)
    path = model_file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    known = KNOWN_SHA256.get(name)
    what = "hand landmarker" if name == HAND_MODEL_NAME else "BlazePose"
    print(f"pose-bridge: fetching {what} model '{name}' from {url}", file=sys.stderr, flush=True)
    pooch.get_logger().setLevel(logging.WARNING)  # we say what happens ourselves
    try:
        # pooch downloads to a temporary file beside the target, checks the hash, then renames:
        # an interrupted or corrupt download never leaves a file under the model's name.
        pooch.retrieve(
            url,
            known_hash=f"sha256:{known}" if known else None,
            fname=path.name,
            path=path.parent,
            progressbar=sys.stderr.isatty(),
            downloader=pooch.HTTPDownloader(progressbar=sys.stderr.isatty(), timeout=30),
        )
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "error"
        raise ModelMissingError(f"could not download {url}: HTTP {status}") from None
    except requests.exceptions.RequestException as exc:
        reason = type(exc).__name__.replace("Error", " error").strip().lower()
        raise ModelMissingError(f"could not download {url} ({reason}: no network?)") from None
    except ValueError as exc:  # pooch: hash mismatch (the file is not kept)
        raise ModelMissingError(f"the download of {url} is corrupt: {exc}") from None
    try:
        if name == HAND_MODEL_NAME:
            check_bundle(path, HAND_BUNDLE_MEMBERS, what)
        else:
            check_bundle(path)
    except ModelMissingError:
        path.unlink(missing_ok=True)
        raise
    _write_sidecar(path, url)
    return path


def _metadata_writer() -> tuple[types.ModuleType, types.ModuleType]:
    """MediaPipe's metadata writer and bundle utilities.

    mediapipe 1.2.x ships the writer without one compiled helper,
    ``_pywrap_metadata_version``, whose only use is computing the metadata's minimum
    parser version. The metadata written here (image input with NormalizationOptions,
    feature outputs, no associated files) uses only fields of metadata schema 1.0.0, so
    when the helper is missing a stand-in answers "1.0.0". Everything else is MediaPipe's
    own code: we do not write flatbuffers by hand.
    """
    missing = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:  # MediaPipe's writers: imported only for an offline build (MediaPipe takes a second to import)
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, model_asset_bundle_utils
    except ModuleNotFoundError as exc:
        if exc.name is None or not missing.startswith(exc.name):
            raise
        helper = types.ModuleType(missing)
        helper.GetMinimumMetadataParserVersion = lambda buffer: "1.0.0"  # type: ignore[attr-defined]
        parts = missing.split(".")
        for i in range(3, len(parts)):
            sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
        sys.modules[missing] = helper
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, model_asset_bundle_utils
    return metadata_writer, model_asset_bundle_utils


def _without_archive(model: bytes) -> bytes:
    """``model`` without a zip archive appended to it, if any.

    The legacy hand landmark model carries its ``handedness.txt`` label file that way; the metadata
    writer would pack it again with today's date, so the same wheel would no longer give the same
    bytes. The Tasks graph names the handedness classes itself and does not read the file.
    """
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(model)) as zf:
            start = min((info.header_offset for info in zf.infolist()), default=len(model))
    except zipfile.BadZipFile:
        return model
    return model[:start]


def _with_metadata(model: bytes, name: str, mean: float, std: float, outputs: int, what: str = "BlazePose") -> bytes:
    model = _without_archive(model)
    metadata_writer, _ = _metadata_writer()
    writer = metadata_writer.MetadataWriter.create(model)
    writer.add_general_info(name, f"{what}, from the mediapipe 0.10.21 wheel (Apache-2.0), built by pose-bridge")
    writer.add_image_input(
        norm_mean=[mean], norm_std=[std], color_space_type=metadata_writer.metadata_fb.ColorSpaceType.RGB
    )
    for _ in range(outputs):
        writer.add_feature_output()
    with_metadata, _json = writer.populate()
    # The writer removes its temporary folder in __del__; let that run now, while the interpreter is
    # whole (at exit it fails with "Exception ignored in MetadataWriter.__del__").
    del writer
    gc.collect()
    return bytes(with_metadata)


def _write_bundle(models: dict[str, bytes], out: Path) -> None:
    """Write the bundle zip like MediaPipe's ``create_model_asset_bundle`` (stored, 4-byte
    aligned, through its own ``AlignZipFile``), but with fixed member dates so the same
    inputs always give the same bytes."""
    _, bundle_utils = _metadata_writer()
    with bundle_utils.AlignZipFile(out, mode="w", alignment=4) as zf:
        for member, data in models.items():
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def wheel_path() -> Path:
    """Where the mediapipe 0.10.21 wheel is cached for offline builds."""
    return models_dir() / "sources" / WHEEL_NAME


def download_wheel() -> Path:
    """Fetch the mediapipe 0.10.21 wheel with pip (the user's own index settings apply) into the cache.

    The same wheel on every machine (Linux x86-64, CPython 3.11) whatever this Python and
    platform are: only its model files are used. Its SHA-256 is checked.
    """
    target = wheel_path()
    if target.is_file() and sha256_of(target) == WHEEL_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"pose-bridge: downloading {WHEEL_NAME} (36 MB) from the Python package index", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
            "--python-version", "3.11", "--platform", WHEEL_PLATFORM, "-d", tmp, WHEEL_REQUIREMENT,
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ModelMissingError(f"could not run pip to download {WHEEL_REQUIREMENT}: {exc}") from None
        got = Path(tmp) / WHEEL_NAME
        if proc.returncode != 0 or not got.is_file():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise ModelMissingError(f"pip could not download {WHEEL_REQUIREMENT}: {last}")
        if sha256_of(got) != WHEEL_SHA256:
            raise ModelMissingError(f"the downloaded {WHEEL_NAME} has an unexpected SHA-256; not using it")
        os.replace(got, target)
    return target


def _bundle_from_wheel(src: Path, recipe: dict[str, tuple[str, str, float, float, int]], what: str) -> dict[str, bytes]:
    """The models of ``recipe`` read from the wheel ``src`` (SHA-256 checked) with MediaPipe's metadata added."""
    if not src.is_file():
        raise ModelMissingError(f"no such wheel: {src}")
    members: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(src) as zf:
            for member, (bundle_name, sha, *_) in recipe.items():
                try:
                    data = zf.read(member)
                except KeyError:
                    raise ModelMissingError(
                        f"{src} does not contain {member}: is it the {WHEEL_REQUIREMENT} wheel?"
                    ) from None
                if hashlib.sha256(data).hexdigest() != sha:
                    raise ModelMissingError(f"{member} in {src} is not the expected {what} model (SHA-256 differs)")
                members[bundle_name] = data
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelMissingError(f"cannot read {src}: {exc}") from None
    try:
        return {
            name: _with_metadata(members[name], name.removesuffix(".tflite"), mean, std, outputs, what)
            for name, _sha, mean, std, outputs in recipe.values()
        }
    except OSError as exc:  # MediaPipe's native library could not be loaded (a missing system library)
        raise ModelMissingError(
            missing_library_message(exc) or f"MediaPipe's metadata writer cannot run: {exc}"
        ) from None


def _build(
    wheel: Path | None, out: Path | None, recipe: dict[str, tuple[str, str, float, float, int]], what: str, name: str
) -> Path:
    src = Path(wheel) if wheel is not None else download_wheel()
    started = time.perf_counter()
    models = _bundle_from_wheel(src, recipe, what)
    target = Path(out) if out is not None else model_file(name)
    with _atomic_path(target) as tmp:
        _write_bundle(models, tmp)
    if out is None:
        _write_sidecar(target, f"built offline from {WHEEL_NAME}")
    log.info("built %s in %.1f s", target, time.perf_counter() - started)
    return target


def build_full_model(wheel: Path | None = None, out: Path | None = None) -> Path:
    """Build ``pose_landmarker_full.task`` offline from the mediapipe 0.10.21 wheel; return its path.

    ``wheel``: a local copy of the wheel (any platform's: only the model files are read,
    and their SHA-256 must match the known ones); default: download it with pip (cached).
    ``out``: where to write the bundle (default: the cache, where ``--model full`` finds
    it). The write is atomic. The result does not depend on the machine: the same wheel
    gives the same bytes.

    Raises :class:`~bridge.errors.ModelMissingError` when the wheel cannot be had or
    does not hold the expected files.
    """
    return _build(wheel, out, WHEEL_MODELS, "BlazePose", "full")


def build_hand_model(wheel: Path | None = None, out: Path | None = None) -> Path:
    """Build ``hand_landmarker.task`` offline from the same wheel (palm detector + hand landmarks, full).

    Same rules as :func:`build_full_model` (one code path): atomic, reproducible, SHA-256 checked.
    """
    return _build(wheel, out, HAND_WHEEL_MODELS, "hand", HAND_MODEL_NAME)


def resolve_hand_model(spec: str | None = None, *, download: bool = True, build: bool = True) -> Path:
    """The hand landmarker bundle: ``spec`` as a path to a ``.task`` file, or (``None``) the cached one.

    A missing cached bundle is downloaded (``download``) and, failing that, built offline from
    the mediapipe 0.10.21 wheel (``build``), like ``--model full``. Raises
    :class:`~bridge.errors.ModelMissingError` saying what to do when it cannot be had.
    """
    if spec is not None:
        path = Path(spec).expanduser()
        if not path.exists():
            raise UserError(f"--hand-model must be a .task file, got {spec!r} (no such file)")
        check_bundle(path, HAND_BUNDLE_MEMBERS, "hand landmarker")
        return path
    path = model_file(HAND_MODEL_NAME)
    if path.is_file():
        check_bundle(path, HAND_BUNDLE_MEMBERS, "hand landmarker")
        return path
    problems = []
    if download:
        try:
            return fetch_model(HAND_MODEL_NAME)
        except ModelMissingError as exc:
            problems.append(str(exc))
            if build:
                print(f"pose-bridge: {exc}; building it offline instead", file=sys.stderr, flush=True)
    if build:
        try:
            return build_hand_model()
        except ModelMissingError as exc:
            problems.append(str(exc))
    raise ModelMissingError(
        f"the hand model is not installed ({path}): {'; '.join(problems) or 'downloads are off'}. "
        f"To get it: run 'pose-bridge models build --hands' (needs PyPI) or 'pose-bridge models fetch hand' "
        f"where there is internet, then copy the file to {path}"
    )
