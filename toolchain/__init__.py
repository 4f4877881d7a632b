"""Handler source to static binary: zig, the engine, the runtime, the payload."""
