/* The request object handed to the handler. */
#ifndef ZIGTTP_JS_REQUEST_H
#define ZIGTTP_JS_REQUEST_H

#include "engine.h"

/* {method, url, path, query, headers, body} with text() and json() inherited;
   JS_EXCEPTION when memory runs out. */
JSValue js_request_new(Engine *engine, const HttpRequest *request);

/* Give a headers object (made with the prelude's headers prototype) the header
   `name` (lowercase) with `value`, which it takes. A header called "get" or
   "has" is kept where the methods of those names find it, never over them. */
void js_headers_define(JSContext *ctx, const Prelude *prelude, JSValueConst headers,
                       const char *name, size_t name_len, JSValue value);

#endif
