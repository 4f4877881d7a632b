"""zigttp: a TypeScript HTTP handler in; a static binary in an OCI image out."""

from __future__ import annotations

__version__ = "0.1.0"
