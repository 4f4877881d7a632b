/* Strings between JavaScript and C for the module functions. */
#ifndef ZIGTTP_JS_TEXT_H
#define ZIGTTP_JS_TEXT_H

#include <stddef.h>

#include "buffer.h"
#include "quickjs.h"

/* The UTF-8 bytes of argument `index` when it is a string, else NULL (also when
   it is missing). Free with JS_FreeCString. */
const char *js_text_arg(JSContext *ctx, int argc, JSValueConst *argv, int index,
                        size_t *len);

/* A JavaScript string of the bytes in `buffer` (UTF-8). */
JSValue js_text_from_buffer(JSContext *ctx, const Buffer *buffer);

#endif
