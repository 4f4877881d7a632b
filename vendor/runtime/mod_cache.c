/* zigttp:cache: cacheGet, cacheSet, cacheDelete, cacheIncr and cacheStats over
   the process-wide store (cache_store.c).

   TTLs are in seconds (fractions kept to the millisecond); a missing or
   non-number TTL means no expiry, zero or less means already expired. When the
   contract proves the namespaces, reading or writing any other namespace is
   refused; cacheStats is not, since it reads only counters and the analyzer
   does not record its argument. Arguments of the wrong type answer like the
   reference: undefined or false. */
#include <math.h>

#include "cache_store.h"
#include "engine.h"
#include "enforce.h"
#include "js_text.h"
#include "virtual_modules.h"

#define SAFE_INTEGER 9007199254740991.0

static int64_t now_ms(void)
{
    return engine_now_ns() / 1000000;
}

static int64_t expiry_of(JSContext *ctx, int argc, JSValueConst *argv, int index)
{
    double seconds;
    if (index >= argc || !JS_IsNumber(argv[index]) ||
        JS_ToFloat64(ctx, &seconds, argv[index]) != 0 || !isfinite(seconds))
        return CACHE_NO_EXPIRY;

    double at = (double)now_ms() + seconds * 1000.0;
    if (at >= 9.0e18)
        return CACHE_NO_EXPIRY;
    return at <= -9.0e18 ? INT64_MIN : (int64_t)at;
}

/* The namespace and key arguments, the namespace checked against the
   contract. Returns 1 when both are strings and allowed, 0 when they are not
   strings, -1 after throwing a refusal. */
static int read_names(JSContext *ctx, const char *function, int argc,
                      JSValueConst *argv, CacheText *ns, CacheText *key)
{
    ns->data = js_text_arg(ctx, argc, argv, 0, &ns->len);
    if (!ns->data)
        return 0;

    const ContractNames *allowed = &enforce_contract(ctx)->cache;
    if (!contract_allows(allowed, ns->data, ns->len)) {
        enforce_refuse(ctx, function, "cache namespace", ns->data, ns->len, allowed,
                       "name namespaces with string literals so the contract "
                       "proves them");
        JS_FreeCString(ctx, ns->data);
        return -1;
    }

    key->data = js_text_arg(ctx, argc, argv, 1, &key->len);
    if (!key->data) {
        JS_FreeCString(ctx, ns->data);
        return 0;
    }
    return 1;
}

static void free_names(JSContext *ctx, CacheText *ns, CacheText *key)
{
    JS_FreeCString(ctx, ns->data);
    JS_FreeCString(ctx, key->data);
}

static JSValue cache_get_js(JSContext *ctx, JSValueConst this_value, int argc,
                            JSValueConst *argv)
{
    CacheText ns, key;
    int names = read_names(ctx, "cacheGet", argc, argv, &ns, &key);
    if (names <= 0)
        return names < 0 ? JS_EXCEPTION : JS_UNDEFINED;

    Buffer value = {0};
    JSValue result = cache_get(ns, key, now_ms(), &value)
                         ? js_text_from_buffer(ctx, &value)
                         : JS_UNDEFINED;
    buffer_free(&value);
    free_names(ctx, &ns, &key);
    return result;
}

static JSValue cache_set_js(JSContext *ctx, JSValueConst this_value, int argc,
                            JSValueConst *argv)
{
    CacheText ns, key, value;
    int names = read_names(ctx, "cacheSet", argc, argv, &ns, &key);
    if (names <= 0)
        return names < 0 ? JS_EXCEPTION : JS_FALSE;

    bool stored = false;
    value.data = js_text_arg(ctx, argc, argv, 2, &value.len);
    if (value.data)
        stored = cache_set(ns, key, value, expiry_of(ctx, argc, argv, 3), now_ms());
    JS_FreeCString(ctx, value.data);
    free_names(ctx, &ns, &key);
    return JS_NewBool(ctx, stored);
}

static JSValue cache_delete_js(JSContext *ctx, JSValueConst this_value, int argc,
                               JSValueConst *argv)
{
    CacheText ns, key;
    int names = read_names(ctx, "cacheDelete", argc, argv, &ns, &key);
    if (names <= 0)
        return names < 0 ? JS_EXCEPTION : JS_FALSE;

    bool deleted = cache_delete(ns, key);
    free_names(ctx, &ns, &key);
    return JS_NewBool(ctx, deleted);
}

/* A whole number within the safe range, else 1 (as the reference does). */
static int64_t delta_of(JSContext *ctx, int argc, JSValueConst *argv)
{
    double delta;
    if (argc < 3 || !JS_IsNumber(argv[2]) || JS_ToFloat64(ctx, &delta, argv[2]) != 0 ||
        delta != floor(delta) || fabs(delta) > SAFE_INTEGER)
        return 1;
    return (int64_t)delta;
}

static JSValue cache_incr_js(JSContext *ctx, JSValueConst this_value, int argc,
                             JSValueConst *argv)
{
    CacheText ns, key;
    int names = read_names(ctx, "cacheIncr", argc, argv, &ns, &key);
    if (names <= 0)
        return names < 0 ? JS_EXCEPTION : JS_UNDEFINED;

    int64_t sum;
    bool done = cache_incr(ns, key, delta_of(ctx, argc, argv),
                           expiry_of(ctx, argc, argv, 3), now_ms(), &sum);
    free_names(ctx, &ns, &key);
    return done ? JS_NewInt64(ctx, sum) : JS_UNDEFINED;
}

static JSValue cache_stats_js(JSContext *ctx, JSValueConst this_value, int argc,
                              JSValueConst *argv)
{
    CacheText ns;
    CacheStats stats;
    ns.data = js_text_arg(ctx, argc, argv, 0, &ns.len);
    cache_stats(ns.data ? &ns : NULL, &stats);
    JS_FreeCString(ctx, ns.data);

    JSValue object = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, object, "hits", JS_NewFloat64(ctx, stats.hits));
    JS_SetPropertyStr(ctx, object, "misses", JS_NewFloat64(ctx, stats.misses));
    JS_SetPropertyStr(ctx, object, "entries", JS_NewFloat64(ctx, stats.entries));
    JS_SetPropertyStr(ctx, object, "bytes", JS_NewFloat64(ctx, stats.bytes));
    return object;
}

static const JSCFunctionListEntry functions[] = {
    JS_CFUNC_DEF("cacheGet", 2, cache_get_js),
    JS_CFUNC_DEF("cacheSet", 4, cache_set_js),
    JS_CFUNC_DEF("cacheDelete", 2, cache_delete_js),
    JS_CFUNC_DEF("cacheIncr", 4, cache_incr_js),
    JS_CFUNC_DEF("cacheStats", 1, cache_stats_js),
};

const VirtualModule mod_cache = {
    .name = "cache",
    .functions = functions,
    .function_count = sizeof functions / sizeof functions[0],
};
