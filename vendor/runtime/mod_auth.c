/* zigttp:auth: bearer tokens, HS256 JWTs, webhook signatures (auth.js), with
   the HMAC, base64url and constant-time comparison done here in C. */
#include "encoding.h"
#include "js_text.h"
#include "sha256.h"
#include "virtual_modules.h"

static const char script[] = {
#embed "auth.js"
    , 0};

static JSValue buffer_result(JSContext *ctx, Buffer *out, bool ok)
{
    JSValue result = ok ? js_text_from_buffer(ctx, out) : JS_UNDEFINED;
    buffer_free(out);
    return result;
}

/* hmac(key, data, "hex" | "base64url") */
static JSValue hmac(JSContext *ctx, JSValueConst this_value, int argc,
                    JSValueConst *argv)
{
    size_t key_len, len, form_len;
    const char *key = js_text_arg(ctx, argc, argv, 0, &key_len);
    const char *data = js_text_arg(ctx, argc, argv, 1, &len);
    const char *form = js_text_arg(ctx, argc, argv, 2, &form_len);
    Buffer out = {0};
    bool ok = false;
    if (key && data && form) {
        uint8_t mac[SHA256_DIGEST_SIZE];
        hmac_sha256(key, key_len, data, len, mac);
        ok = form[0] == 'h' ? hex_encode(&out, mac, sizeof mac)
                            : base64_encode(&out, mac, sizeof mac, BASE64_URL);
    }
    JS_FreeCString(ctx, key);
    JS_FreeCString(ctx, data);
    JS_FreeCString(ctx, form);
    return buffer_result(ctx, &out, ok);
}

static JSValue base64url_encode(JSContext *ctx, JSValueConst this_value, int argc,
                                JSValueConst *argv)
{
    size_t len;
    const char *text = js_text_arg(ctx, argc, argv, 0, &len);
    Buffer out = {0};
    bool ok = text && base64_encode(&out, text, len, BASE64_URL);
    JS_FreeCString(ctx, text);
    return buffer_result(ctx, &out, ok);
}

static JSValue base64url_decode(JSContext *ctx, JSValueConst this_value, int argc,
                                JSValueConst *argv)
{
    size_t len;
    const char *text = js_text_arg(ctx, argc, argv, 0, &len);
    Buffer out = {0};
    bool ok = text && base64_decode(&out, text, len, BASE64_URL);
    JS_FreeCString(ctx, text);
    return buffer_result(ctx, &out, ok);
}

static JSValue timing_safe_equal(JSContext *ctx, JSValueConst this_value, int argc,
                                 JSValueConst *argv)
{
    size_t a_len, b_len;
    const char *a = js_text_arg(ctx, argc, argv, 0, &a_len);
    const char *b = js_text_arg(ctx, argc, argv, 1, &b_len);
    bool equal = a && b && equal_in_constant_time(a, a_len, b, b_len);
    JS_FreeCString(ctx, a);
    JS_FreeCString(ctx, b);
    return JS_NewBool(ctx, equal);
}

static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_DEF("hmac", 3, hmac),
    JS_CFUNC_DEF("base64urlEncode", 1, base64url_encode),
    JS_CFUNC_DEF("base64urlDecode", 1, base64url_decode),
    JS_CFUNC_DEF("timingSafeEqual", 2, timing_safe_equal),
};

static const char *const exports[] = {
    "parseBearer",     "jwtSign", "jwtVerify", "verifyWebhookSignature",
    "timingSafeEqual", NULL,
};

const VirtualModule mod_auth = {
    .name = "auth",
    .functions = natives,
    .function_count = sizeof natives / sizeof natives[0],
    .script = script,
    .exports = exports,
};
