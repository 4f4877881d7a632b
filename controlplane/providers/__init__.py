"""Where released images run: the provider interface and the local provider."""
