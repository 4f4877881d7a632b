/* One JavaScript engine: a QuickJS runtime and context with the handler loaded. */
#ifndef ZIGTTP_ENGINE_H
#define ZIGTTP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "contract.h"
#include "http_request.h"
#include "http_response.h"
#include "payload.h"
#include "prelude.h"
#include "quickjs.h"

/* What every engine is built from; shared, read-only once serving starts. */
typedef struct App {
    Payload payload;
    Contract contract;
    int64_t handler_timeout_ns;
} App;

typedef struct Engine {
    const App *app;
    JSRuntime *runtime;
    JSContext *context;
    JSValue handler;
    Prelude prelude;
    int64_t deadline_ns; /* 0 while no JavaScript of ours is running */
    bool timed_out;
    struct Engine *next_free;
} Engine;

int64_t engine_now_ns(void);

/* Create an engine and run the handler module's top level; NULL on failure with
   the reason in `error`. */
Engine *engine_create(const App *app, Buffer *error);
void engine_destroy(Engine *engine);

/* Throw the uncatchable error that ends a handler whose time ran out, as
   the interrupt handler does: for native calls (fetch) cut short by the
   handler's deadline. Returns JS_EXCEPTION. */
JSValue engine_interrupt(JSContext *ctx);

/* Run the handler for `request` and write the whole answer into `response`.
   Returns the status written. */
int engine_handle(Engine *engine, const HttpRequest *request, HttpResponse *response);

#endif
