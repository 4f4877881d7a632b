"""OCI images: the model (digest, descriptor, image) and its forms (layout, tarball)."""
