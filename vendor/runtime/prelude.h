/* The globals every engine sets up before loading the handler. */
#ifndef ZIGTTP_PRELUDE_H
#define ZIGTTP_PRELUDE_H

#include "quickjs.h"

typedef struct Prelude {
    JSValue response_class;
    JSValue request_prototype;
    JSValue headers_prototype;
    JSAtom hidden_headers; /* the symbol keeping headers named "get" and "has" */
    JSAtom method, url, path, query, headers, body, status;
} Prelude;

/* Define Response, h, Fragment, renderToString and console on the context's
   global object; 0 on success, -1 with a JS exception pending. */
int prelude_install(JSContext *ctx, Prelude *prelude);
void prelude_free(JSContext *ctx, Prelude *prelude);

#endif
