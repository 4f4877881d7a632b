/* zigttp:id: uuid() (version 4), ulid() and nanoid(size?) from getrandom. */
#include <sys/random.h>
#include <time.h>

#include "virtual_modules.h"

#define NANOID_DEFAULT_SIZE 21
#define NANOID_MAX_SIZE 128

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char nanoid_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/* Fill `bytes` from the kernel's generator; a JS exception when it cannot. */
static int random_fill(JSContext *ctx, uint8_t *bytes, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t got = getrandom(bytes + done, len - done, 0);
        if (got <= 0) {
            JS_ThrowInternalError(ctx, "the system's random number generator failed");
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

static JSValue uuid(JSContext *ctx, JSValueConst this_value, int argc,
                    JSValueConst *argv)
{
    uint8_t bytes[16];
    if (random_fill(ctx, bytes, sizeof bytes) != 0)
        return JS_EXCEPTION;
    bytes[6] = (uint8_t)((bytes[6] & 0x0f) | 0x40); /* version 4 */
    bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80); /* RFC 9562 variant */

    static const char hex[] = "0123456789abcdef";
    char text[36];
    size_t at = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[at++] = '-';
        text[at++] = hex[bytes[i] >> 4];
        text[at++] = hex[bytes[i] & 15];
    }
    return JS_NewStringLen(ctx, text, sizeof text);
}

/* 48 bits of milliseconds, then 80 random bits: 26 Crockford base32 digits,
   most significant first, so ULIDs sort by time. */
static JSValue ulid(JSContext *ctx, JSValueConst this_value, int argc,
                    JSValueConst *argv)
{
    uint8_t bytes[16];
    if (random_fill(ctx, bytes + 6, 10) != 0)
        return JS_EXCEPTION;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
    for (int i = 0; i < 6; i++)
        bytes[i] = (uint8_t)(ms >> (8 * (5 - i)));

    /* 130 bits of digits over 128 bits of value: two leading zero bits. */
    char text[26];
    for (int digit = 0; digit < 26; digit++) {
        int bit = digit * 5 - 2; /* first bit of this digit within the value */
        int value = 0;
        for (int k = 0; k < 5; k++, bit++) {
            int set = bit >= 0 && (bytes[bit / 8] >> (7 - bit % 8)) & 1;
            value = value << 1 | set;
        }
        text[digit] = crockford[value];
    }
    return JS_NewStringLen(ctx, text, sizeof text);
}

static JSValue nanoid(JSContext *ctx, JSValueConst this_value, int argc,
                      JSValueConst *argv)
{
    int32_t size = NANOID_DEFAULT_SIZE;
    if (argc > 0 && JS_IsNumber(argv[0]) && JS_ToInt32(ctx, &size, argv[0]) == 0) {
        if (size < 1)
            size = NANOID_DEFAULT_SIZE;
        if (size > NANOID_MAX_SIZE)
            size = NANOID_MAX_SIZE;
    }

    uint8_t bytes[NANOID_MAX_SIZE];
    if (random_fill(ctx, bytes, (size_t)size) != 0)
        return JS_EXCEPTION;
    char text[NANOID_MAX_SIZE];
    for (int32_t i = 0; i < size; i++)
        text[i] = nanoid_alphabet[bytes[i] & 63]; /* 64 letters: no bias */
    return JS_NewStringLen(ctx, text, (size_t)size);
}

static const JSCFunctionListEntry functions[] = {
    JS_CFUNC_DEF("uuid", 0, uuid),
    JS_CFUNC_DEF("ulid", 0, ulid),
    JS_CFUNC_DEF("nanoid", 1, nanoid),
};

const VirtualModule mod_id = {
    .name = "id",
    .functions = functions,
    .function_count = sizeof functions / sizeof functions[0],
};
