/* The in-process cache behind zigttp:cache.

   One mutex guards everything: a hash table of entries, a doubly linked list
   from most to least recently used, and per-namespace counters. Expired
   entries are dropped when they are met; when a new entry would pass either
   bound, the least recently used entries make room. */
#include "cache_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 16384 /* a power of two, above CACHE_MAX_ENTRIES */
#define MAX_NAMESPACES 1024
#define SAFE_INTEGER 9007199254740991LL /* 2^53 - 1 */

typedef struct Namespace {
    struct Namespace *next;
    uint64_t hits, misses;
    size_t entries, bytes;
    size_t name_len;
    char name[];
} Namespace;

typedef struct Entry {
    struct Entry *chain; /* next in the same bucket */
    struct Entry *newer, *older;
    Namespace *ns; /* NULL when counters could not be kept for it */
    uint64_t hash;
    int64_t expires_ms;
    size_t ns_len, key_len, value_len;
    char data[]; /* namespace, key, value */
} Entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Entry **buckets;
static Entry *newest, *oldest;
static Namespace *namespaces;
static size_t namespace_count, entry_count, byte_count;

static uint64_t hash_of(CacheText ns, CacheText key)
{
    uint64_t hash = 14695981039346656037ull; /* FNV-1a */
    for (size_t i = 0; i < ns.len; i++)
        hash = (hash ^ (uint8_t)ns.data[i]) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull; /* keeps ("ab","c") from ("a","bc") */
    for (size_t i = 0; i < key.len; i++)
        hash = (hash ^ (uint8_t)key.data[i]) * 1099511628211ull;
    return hash;
}

static size_t size_of(const Entry *entry)
{
    return entry->ns_len + entry->key_len + entry->value_len;
}

static bool same_text(const char *data, size_t len, CacheText text)
{
    return len == text.len && memcmp(data, text.data, len) == 0;
}

static Namespace *namespace_find(CacheText ns, bool create)
{
    for (Namespace *each = namespaces; each; each = each->next) {
        if (same_text(each->name, each->name_len, ns))
            return each;
    }
    if (!create || namespace_count >= MAX_NAMESPACES)
        return NULL;

    Namespace *made = calloc(1, sizeof *made + ns.len);
    if (!made)
        return NULL;
    memcpy(made->name, ns.data, ns.len);
    made->name_len = ns.len;
    made->next = namespaces;
    namespaces = made;
    namespace_count++;
    return made;
}

static Entry **slot_of(CacheText ns, CacheText key, uint64_t hash)
{
    Entry **slot = &buckets[hash & (BUCKETS - 1)];
    for (; *slot; slot = &(*slot)->chain) {
        Entry *entry = *slot;
        if (entry->hash == hash && same_text(entry->data, entry->ns_len, ns) &&
            same_text(entry->data + entry->ns_len, entry->key_len, key))
            return slot;
    }
    return slot;
}

static void unlink_recency(Entry *entry)
{
    if (entry->newer)
        entry->newer->older = entry->older;
    else
        newest = entry->older;
    if (entry->older)
        entry->older->newer = entry->newer;
    else
        oldest = entry->newer;
    entry->newer = entry->older = NULL;
}

static void make_newest(Entry *entry)
{
    entry->older = newest;
    entry->newer = NULL;
    if (newest)
        newest->newer = entry;
    newest = entry;
    if (!oldest)
        oldest = entry;
}

static void remove_entry(Entry **slot)
{
    Entry *entry = *slot;
    *slot = entry->chain;
    unlink_recency(entry);
    entry_count--;
    byte_count -= size_of(entry);
    if (entry->ns) {
        entry->ns->entries--;
        entry->ns->bytes -= size_of(entry);
    }
    free(entry);
}

static void evict_oldest(void)
{
    Entry *entry = oldest;
    CacheText ns = {entry->data, entry->ns_len};
    CacheText key = {entry->data + entry->ns_len, entry->key_len};
    remove_entry(slot_of(ns, key, entry->hash));
}

static bool ensure_buckets(void)
{
    if (!buckets)
        buckets = calloc(BUCKETS, sizeof *buckets);
    return buckets != NULL;
}

/* The live entry's slot, or NULL; an expired entry is removed on the way. */
static Entry **find_live(CacheText ns, CacheText key, uint64_t hash, int64_t now_ms)
{
    Entry **slot = slot_of(ns, key, hash);
    if (!*slot)
        return NULL;
    if ((*slot)->expires_ms <= now_ms) {
        remove_entry(slot);
        return NULL;
    }
    return slot;
}

static bool store(CacheText ns, CacheText key, CacheText value, int64_t expires_ms,
                  uint64_t hash)
{
    Entry **slot = slot_of(ns, key, hash);
    if (*slot)
        remove_entry(slot);

    size_t size = ns.len + key.len + value.len;
    if (size > CACHE_MAX_BYTES)
        return false;
    while (oldest &&
           (entry_count + 1 > CACHE_MAX_ENTRIES || byte_count + size > CACHE_MAX_BYTES))
        evict_oldest();

    Entry *entry = malloc(sizeof *entry + size);
    if (!entry)
        return false;
    *entry = (Entry){
        .ns = namespace_find(ns, true),
        .hash = hash,
        .expires_ms = expires_ms,
        .ns_len = ns.len,
        .key_len = key.len,
        .value_len = value.len,
    };
    memcpy(entry->data, ns.data, ns.len);
    memcpy(entry->data + ns.len, key.data, key.len);
    memcpy(entry->data + ns.len + key.len, value.data, value.len);

    slot = slot_of(ns, key, hash); /* evictions may have changed the chain */
    entry->chain = *slot;
    *slot = entry;
    make_newest(entry);
    entry_count++;
    byte_count += size;
    if (entry->ns) {
        entry->ns->entries++;
        entry->ns->bytes += size;
    }
    return true;
}

bool cache_get(CacheText ns, CacheText key, int64_t now_ms, Buffer *value)
{
    pthread_mutex_lock(&lock);
    bool found = false;
    if (ensure_buckets()) {
        Entry **slot = find_live(ns, key, hash_of(ns, key), now_ms);
        Namespace *counters = namespace_find(ns, true);
        if (slot) {
            Entry *entry = *slot;
            unlink_recency(entry);
            make_newest(entry);
            found = buffer_append(value, entry->data + entry->ns_len + entry->key_len,
                                  entry->value_len);
        }
        if (counters && found)
            counters->hits++;
        else if (counters)
            counters->misses++;
    }
    pthread_mutex_unlock(&lock);
    return found;
}

bool cache_set(CacheText ns, CacheText key, CacheText value, int64_t expires_ms,
               int64_t now_ms)
{
    (void)now_ms;
    pthread_mutex_lock(&lock);
    bool stored =
        ensure_buckets() && store(ns, key, value, expires_ms, hash_of(ns, key));
    pthread_mutex_unlock(&lock);
    return stored;
}

bool cache_delete(CacheText ns, CacheText key)
{
    pthread_mutex_lock(&lock);
    bool deleted = false;
    if (ensure_buckets()) {
        Entry **slot = slot_of(ns, key, hash_of(ns, key));
        if (*slot) {
            remove_entry(slot);
            deleted = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return deleted;
}

/* The stored text as a whole integer, or 0 when it is not one. */
static int64_t integer_of(const char *text, size_t len)
{
    char digits[32];
    if (len == 0 || len >= sizeof digits)
        return 0;
    memcpy(digits, text, len);
    digits[len] = '\0';
    char *end;
    long long value = strtoll(digits, &end, 10);
    return *end == '\0' ? (int64_t)value : 0;
}

bool cache_incr(CacheText ns, CacheText key, int64_t delta, int64_t expires_ms,
                int64_t now_ms, int64_t *result)
{
    pthread_mutex_lock(&lock);
    bool done = false;
    if (ensure_buckets()) {
        uint64_t hash = hash_of(ns, key);
        Entry **slot = find_live(ns, key, hash, now_ms);
        int64_t current = 0;
        if (slot) {
            Entry *entry = *slot;
            current = integer_of(entry->data + entry->ns_len + entry->key_len,
                                 entry->value_len);
        }
        int64_t sum;
        if (!__builtin_add_overflow(current, delta, &sum) && sum >= -SAFE_INTEGER &&
            sum <= SAFE_INTEGER) {
            char text[32];
            int len = snprintf(text, sizeof text, "%lld", (long long)sum);
            done = store(ns, key, (CacheText){text, (size_t)len}, expires_ms, hash);
            *result = sum;
        }
    }
    pthread_mutex_unlock(&lock);
    return done;
}

void cache_stats(const CacheText *ns, CacheStats *stats)
{
    *stats = (CacheStats){0};
    pthread_mutex_lock(&lock);
    if (ns) {
        Namespace *counters = namespace_find(*ns, false);
        if (counters)
            *stats = (CacheStats){(double)counters->hits, (double)counters->misses,
                                  (double)counters->entries, (double)counters->bytes};
    } else {
        for (Namespace *each = namespaces; each; each = each->next) {
            stats->hits += (double)each->hits;
            stats->misses += (double)each->misses;
        }
        stats->entries = (double)entry_count;
        stats->bytes = (double)byte_count;
    }
    pthread_mutex_unlock(&lock);
}
