/* Strings between JavaScript and C for the module functions. */
#include "js_text.h"

const char *js_text_arg(JSContext *ctx, int argc, JSValueConst *argv, int index,
                        size_t *len)
{
    if (index >= argc || !JS_IsString(argv[index]))
        return NULL;
    return JS_ToCStringLen(ctx, len, argv[index]);
}

JSValue js_text_from_buffer(JSContext *ctx, const Buffer *buffer)
{
    return JS_NewStringLen(ctx, buffer->data ? buffer->data : "", buffer->len);
}
