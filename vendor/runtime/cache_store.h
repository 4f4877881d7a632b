/* The in-process cache behind zigttp:cache: one store shared by every engine,
   entries with a time to live, bounded in count and bytes, least recently
   used first out. */
#ifndef ZIGTTP_CACHE_STORE_H
#define ZIGTTP_CACHE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

#define CACHE_MAX_ENTRIES 10000
#define CACHE_MAX_BYTES (16u * 1024 * 1024) /* namespace + key + value bytes */
#define CACHE_NO_EXPIRY INT64_MAX

typedef struct CacheText {
    const char *data;
    size_t len;
} CacheText;

typedef struct CacheStats {
    double hits, misses, entries, bytes;
} CacheStats;

/* Copy the live value of (namespace, key) into `value`; false on a miss. */
bool cache_get(CacheText ns, CacheText key, int64_t now_ms, Buffer *value);

/* Store a value until `expires_ms` (CACHE_NO_EXPIRY for none); false when it
   is bigger than the whole cache or memory runs out. */
bool cache_set(CacheText ns, CacheText key, CacheText value, int64_t expires_ms,
               int64_t now_ms);

bool cache_delete(CacheText ns, CacheText key);

/* Add `delta` to the integer stored at the key (0 when missing or not an
   integer), store the sum until `expires_ms`, and give it in `result`; false
   when the sum leaves the range of safe integers or memory runs out. */
bool cache_incr(CacheText ns, CacheText key, int64_t delta, int64_t expires_ms,
                int64_t now_ms, int64_t *result);

/* Counters for one namespace, or for the whole store when `ns` is NULL. */
void cache_stats(const CacheText *ns, CacheStats *stats);

#endif
