"""HTTP face of the control plane: JSON API routes, HTML pages and the service proxy."""
