/* zigttp:crypto: sha256 and hmacSha256 as lowercase hex, base64 of UTF-8 text.

   Like the reference, a non-string argument gives undefined. */
#include "encoding.h"
#include "js_text.h"
#include "sha256.h"
#include "virtual_modules.h"

static JSValue hex_of(JSContext *ctx, const uint8_t digest[SHA256_DIGEST_SIZE])
{
    Buffer hex = {0};
    JSValue result = hex_encode(&hex, digest, SHA256_DIGEST_SIZE)
                         ? js_text_from_buffer(ctx, &hex)
                         : JS_ThrowOutOfMemory(ctx);
    buffer_free(&hex);
    return result;
}

static JSValue digest_sha256(JSContext *ctx, JSValueConst this_value, int argc,
                             JSValueConst *argv)
{
    size_t len;
    const char *data = js_text_arg(ctx, argc, argv, 0, &len);
    if (!data)
        return JS_UNDEFINED;

    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256((const uint8_t *)data, len, digest);
    JS_FreeCString(ctx, data);
    return hex_of(ctx, digest);
}

static JSValue mac_sha256(JSContext *ctx, JSValueConst this_value, int argc,
                          JSValueConst *argv)
{
    size_t key_len, len;
    const char *key = js_text_arg(ctx, argc, argv, 0, &key_len);
    const char *data = js_text_arg(ctx, argc, argv, 1, &len);
    JSValue result = JS_UNDEFINED;
    if (key && data) {
        uint8_t mac[SHA256_DIGEST_SIZE];
        hmac_sha256(key, key_len, data, len, mac);
        result = hex_of(ctx, mac);
    }
    JS_FreeCString(ctx, key);
    JS_FreeCString(ctx, data);
    return result;
}

static JSValue encode_base64(JSContext *ctx, JSValueConst this_value, int argc,
                             JSValueConst *argv)
{
    size_t len;
    const char *data = js_text_arg(ctx, argc, argv, 0, &len);
    if (!data)
        return JS_UNDEFINED;

    Buffer out = {0};
    JSValue result = base64_encode(&out, data, len, BASE64_STANDARD)
                         ? js_text_from_buffer(ctx, &out)
                         : JS_ThrowOutOfMemory(ctx);
    buffer_free(&out);
    JS_FreeCString(ctx, data);
    return result;
}

static JSValue decode_base64(JSContext *ctx, JSValueConst this_value, int argc,
                             JSValueConst *argv)
{
    size_t len;
    const char *text = js_text_arg(ctx, argc, argv, 0, &len);
    if (!text)
        return JS_UNDEFINED;

    Buffer out = {0};
    JSValue result = base64_decode(&out, text, len, BASE64_STANDARD)
                         ? js_text_from_buffer(ctx, &out)
                         : JS_UNDEFINED;
    buffer_free(&out);
    JS_FreeCString(ctx, text);
    return result;
}

static const JSCFunctionListEntry functions[] = {
    JS_CFUNC_DEF("sha256", 1, digest_sha256),
    JS_CFUNC_DEF("hmacSha256", 2, mac_sha256),
    JS_CFUNC_DEF("base64Encode", 1, encode_base64),
    JS_CFUNC_DEF("base64Decode", 1, decode_base64),
};

const VirtualModule mod_crypto = {
    .name = "crypto",
    .functions = functions,
    .function_count = sizeof functions / sizeof functions[0],
};
