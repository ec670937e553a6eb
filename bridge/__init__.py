"""pose-bridge: MediaPipe BlazePose over WebSocket to Unity and other clients."""

__version__ = "0.1.0"
