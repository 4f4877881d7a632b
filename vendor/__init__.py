"""Files zigttp ships for its builds: the engine pin and the runtime sources."""
