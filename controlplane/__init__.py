"""The reference control plane: deploy sessions, review, registry tokens, providers."""
