"""The exception tree of pose-bridge; each branch says whose fault it was.

::

    PoseBridgeError                 root: catch this to catch everything of ours
    ├── UserError                   the user gave us something we cannot use:
    │   │                           the CLI prints the message (one line) and exits 2
    │   ├── SourceError             missing/unreadable file, not a video, no such webcam
    │   ├── ModelMissingError       a BlazePose model that is not installed (complexity 0/2)
    │   └── FormatError             a malformed recording (names file, line number and line)
    └── ProtocolError               a wire message that breaks protocol v1
        ├── RemoteProtocolError     the peer sent it: answered with an ``error`` message,
        │   │                       the connection and the server stay up
        │   └── ControlError        a valid ``control`` the server cannot apply (not a replay,
        │                           a seek beyond the end): answered the same way
        └── LocalProtocolError      we were asked to encode something invalid (a bug)
"""

from __future__ import annotations


class PoseBridgeError(Exception):
    """Root of every error raised on purpose by pose-bridge."""


class UserError(PoseBridgeError):
    """Bad input from the user (argument, file, device). The message is shown as is."""


class SourceError(UserError):
    """A source cannot be opened or read: missing file, not a video, no such webcam."""


class ModelMissingError(UserError):
    """The requested BlazePose model is not installed and cannot be fetched offline."""


class FormatError(UserError):
    """A recording file is malformed. The message names the file, line number and line."""


class ProtocolError(PoseBridgeError):
    """A message that is not valid protocol v1.

    ``code`` is the machine-readable error code sent in an ``error`` message.
    """

    def __init__(self, message: str, code: str = "bad_message") -> None:
        super().__init__(message)
        self.code = code


class RemoteProtocolError(ProtocolError):
    """The peer sent a message that is not valid protocol v1."""


class ControlError(RemoteProtocolError):
    """A client's replay control that cannot be applied: not a replay (code ``not_supported``), or a seek
    beyond the last frame (``bad_value``)."""


class LocalProtocolError(ProtocolError):
    """We were asked to encode a message that is not valid protocol v1."""


#: Debian/Ubuntu packages of the shared libraries OpenCV and MediaPipe load (scripts/install.sh installs them).
SYSTEM_PACKAGES = "libgl1 libglib2.0-0 libegl1 libgles2"


def missing_library_message(exc: BaseException) -> str | None:
    """One line for an import or load failure caused by a missing system library, else ``None``.

    ``import cv2`` on a fresh Debian fails with "libGL.so.1: cannot open shared object file";
    MediaPipe's native library needs libEGL and libGLESv2 the same way.
    """
    text = str(exc)
    if "cannot open shared object file" not in text:
        return None
    library = text.split(":", 1)[0].strip()
    return (
        f"a system library is missing: {library} (Debian/Ubuntu: apt-get install {SYSTEM_PACKAGES}, "
        "or run scripts/install.sh)"
    )
