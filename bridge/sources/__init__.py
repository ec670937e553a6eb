"""Frame sources: video files, webcams, the built-in demo and recordings."""
