"""The zigttp:* modules the runtime provides and the names each of them exports.

This is the build's copy of what vendor/runtime registers (virtual_modules.c
and each mod_NAME.c), so an import the runtime cannot satisfy stops the build
instead of the binary's start. tests/contract/test_virtual_modules.py builds a
handler that imports every name below and checks the running binary agrees.
"""

from __future__ import annotations

TYPES_MODULE = "zigttp:types"

EXPORTS: dict[str, tuple[str, ...]] = {
    "zigttp:auth": (
        "jwtSign",
        "jwtVerify",
        "parseBearer",
        "timingSafeEqual",
        "verifyWebhookSignature",
    ),
    "zigttp:cache": (
        "cacheDelete",
        "cacheGet",
        "cacheIncr",
        "cacheSet",
        "cacheStats",
    ),
    "zigttp:crypto": ("base64Decode", "base64Encode", "hmacSha256", "sha256"),
    "zigttp:env": ("env",),
    "zigttp:fetch": ("fetch", "fetchWithRetry"),
    "zigttp:id": ("nanoid", "ulid", "uuid"),
    "zigttp:log": ("logDebug", "logError", "logInfo", "logWarn"),
    "zigttp:router": ("routerMatch",),
    "zigttp:text": ("escapeHtml", "mask", "slugify", "truncate", "unescapeHtml"),
    "zigttp:url": ("urlDecode", "urlEncode", "urlParse", "urlSearchParams"),
}

# Every module a handler may import: zigttp:types only carries types, so the
# build erases its imports and the runtime never sees it.
MODULES: tuple[str, ...] = tuple(sorted([*EXPORTS, TYPES_MODULE]))
