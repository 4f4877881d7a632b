/* One JavaScript engine: a QuickJS runtime and context with the handler loaded.

   An engine is used by one thread at a time; the pool hands it between threads. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "js_request.h"
#include "js_response.h"
#include "log.h"
#include "module_loader.h"
#include "printable.h"

#define ENGINE_MEMORY_LIMIT (256u * 1024 * 1024)
#define ENGINE_STACK_LIMIT (1024u * 1024)

int64_t engine_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static int interrupt_when_late(JSRuntime *runtime, void *opaque)
{
    (void)runtime;
    Engine *engine = opaque;
    if (engine->deadline_ns == 0 || engine_now_ns() < engine->deadline_ns)
        return 0;
    engine->timed_out = true;
    return 1;
}

JSValue engine_interrupt(JSContext *ctx)
{
    Engine *engine = JS_GetContextOpaque(ctx);
    engine->timed_out = true;
    JS_ThrowInternalError(ctx, "interrupted: the handler ran out of time");
    JSValue error = JS_GetException(ctx);
    JS_SetUncatchableError(ctx, error);
    return JS_Throw(ctx, error);
}

/* Drop the exception a failed conversion left pending. */
static void forget_exception(JSContext *ctx)
{
    JS_FreeValue(ctx, JS_GetException(ctx));
}

/* Append "Name: message" and the stack of the pending exception to `out`.

   Turning a thrown value into text runs the handler's own code (toString, a
   getter on `stack`, a Proxy trap), so callers keep the deadline set: code
   that never returns is interrupted and the text says it cannot be shown. */
static void describe_exception(JSContext *ctx, Buffer *out)
{
    JSValue exception = JS_GetException(ctx);
    const char *text = JS_ToCString(ctx, exception);
    if (!text)
        forget_exception(ctx);
    buffer_append_str(out, text ? text : "(an exception that cannot be shown)");
    JS_FreeCString(ctx, text);

    if (JS_IsError(exception)) {
        JSValue stack = JS_GetPropertyStr(ctx, exception, "stack");
        if (JS_IsException(stack))
            forget_exception(ctx);
        const char *stack_text = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;
        if (stack_text && *stack_text) {
            buffer_append_str(out, "\n");
            size_t len = strlen(stack_text);
            while (len > 0 && stack_text[len - 1] == '\n')
                len--;
            buffer_append(out, stack_text, len);
        }
        JS_FreeCString(ctx, stack_text);
        JS_FreeValue(ctx, stack);
    }
    JS_FreeValue(ctx, exception);
}

/* Run queued promise jobs, then unwrap `value` if it is a settled promise. */
static JSValue settle(Engine *engine, JSValue value)
{
    JSContext *ctx = engine->context;

    while (JS_IsJobPending(engine->runtime)) {
        JSContext *job_context;
        if (JS_ExecutePendingJob(engine->runtime, &job_context) < 0) {
            if (engine->timed_out) {
                JS_FreeValue(ctx, value);
                return JS_EXCEPTION;
            }
            Buffer text = {0};
            buffer_append_str(&text, "zigttp-handler: a promise job failed: ");
            describe_exception(job_context, &text);
            buffer_append_str(&text, "\n");
            log_write(text.data, text.len);
            buffer_free(&text);
        }
    }

    if (JS_IsException(value) || !JS_IsPromise(value))
        return value;

    JSPromiseStateEnum state = JS_PromiseState(ctx, value);
    JSValue result = JS_PromiseResult(ctx, value);
    JS_FreeValue(ctx, value);
    if (state == JS_PROMISE_FULFILLED)
        return result;
    if (state == JS_PROMISE_REJECTED)
        return JS_Throw(ctx, result);

    JS_FreeValue(ctx, result);
    return JS_ThrowTypeError(ctx, "the handler returned a promise that never settled "
                                  "(there is no event loop: return a Response)");
}

static bool is_function(JSContext *ctx, JSValueConst value)
{
    return JS_IsFunction(ctx, value);
}

/* Read the entry module, run its top level and find the handler it exports. */
static int load_handler(Engine *engine, Buffer *error)
{
    JSContext *ctx = engine->context;
    const PayloadModule *entry = &engine->app->payload.modules[0];

    JSValue module =
        JS_ReadObject(ctx, entry->bytecode, entry->bytecode_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(module)) {
        buffer_printf(error, "%s: cannot read its bytecode: ", entry->name);
        describe_exception(ctx, error);
        return -1;
    }
    if (JS_VALUE_GET_TAG(module) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, module);
        buffer_printf(error, "%s: the bytecode is not a module", entry->name);
        return -1;
    }
    JSModuleDef *definition = JS_VALUE_GET_PTR(module);
    if (JS_ResolveModule(ctx, module) < 0) {
        JS_FreeValue(ctx, module);
        buffer_printf(error, "%s: ", entry->name);
        describe_exception(ctx, error);
        return -1;
    }

    engine->deadline_ns = engine_now_ns() + engine->app->handler_timeout_ns;
    JSValue result = settle(engine, JS_EvalFunction(ctx, module));
    if (JS_IsException(result)) {
        buffer_printf(error, "%s: its top level threw: ", entry->name);
        describe_exception(ctx, error);
        engine->deadline_ns = 0;
        return -1;
    }
    engine->deadline_ns = 0;
    JS_FreeValue(ctx, result);

    JSValue namespace = JS_GetModuleNamespace(ctx, definition);
    JSValue handler = JS_GetPropertyStr(ctx, namespace, "default");
    if (!is_function(ctx, handler)) {
        JS_FreeValue(ctx, handler);
        handler = JS_GetPropertyStr(ctx, namespace, "handler");
    }
    JS_FreeValue(ctx, namespace);
    if (!is_function(ctx, handler)) {
        JS_FreeValue(ctx, handler);
        buffer_printf(error,
                      "%s exports no handler: write `export default function "
                      "handler(request)` or `export function handler(request)`",
                      entry->name);
        return -1;
    }
    engine->handler = handler;
    return 0;
}

Engine *engine_create(const App *app, Buffer *error)
{
    Engine *engine = calloc(1, sizeof *engine);
    if (!engine) {
        buffer_append_str(error, "out of memory");
        return NULL;
    }
    engine->app = app;
    engine->handler = JS_UNDEFINED;

    engine->runtime = JS_NewRuntime();
    if (!engine->runtime) {
        free(engine);
        buffer_append_str(error, "out of memory");
        return NULL;
    }
    JS_SetMemoryLimit(engine->runtime, ENGINE_MEMORY_LIMIT);
    JS_SetMaxStackSize(engine->runtime, ENGINE_STACK_LIMIT);
    JS_SetInterruptHandler(engine->runtime, interrupt_when_late, engine);
    JS_SetModuleLoaderFunc(engine->runtime, module_normalize, module_load, engine);

    engine->context = JS_NewContext(engine->runtime);
    if (!engine->context) {
        JS_FreeRuntime(engine->runtime);
        free(engine);
        buffer_append_str(error, "out of memory");
        return NULL;
    }
    JS_SetContextOpaque(engine->context, engine);

    if (prelude_install(engine->context, &engine->prelude) != 0) {
        buffer_append_str(error, "the runtime's own globals failed to load: ");
        describe_exception(engine->context, error);
        engine_destroy(engine);
        return NULL;
    }
    if (load_handler(engine, error) != 0) {
        engine_destroy(engine);
        return NULL;
    }
    return engine;
}

void engine_destroy(Engine *engine)
{
    if (!engine)
        return;
    JS_FreeValue(engine->context, engine->handler);
    prelude_free(engine->context, &engine->prelude);
    JS_FreeContext(engine->context);
    JS_FreeRuntime(engine->runtime);
    free(engine);
}

/* What the handler threw can carry request data: each line of it is made
   printable, and the lines (a stack trace's) stay lines. */
static void append_printable_lines(Buffer *out, const char *text, size_t len)
{
    const char *end = text + len;
    while (text < end) {
        const char *newline = memchr(text, '\n', (size_t)(end - text));
        const char *stop = newline ? newline : end;
        buffer_append_printable(out, text, (size_t)(stop - text));
        if (newline)
            buffer_append(out, "\n", 1);
        text = stop + 1;
    }
}

static void log_failure(const HttpRequest *request, const char *what, Buffer *detail)
{
    Buffer line = {0};
    buffer_printf(&line, "zigttp-handler: %.*s ", (int)request->method_len,
                  request->method);
    buffer_append_printable(&line, request->target, request->path_len);
    buffer_printf(&line, ": %s", what);
    if (detail && detail->len) {
        buffer_append_str(&line, ": ");
        append_printable_lines(&line, detail->data, detail->len);
    }
    buffer_append_str(&line, "\n");
    log_write(line.data, line.len);
    buffer_free(&line);
}

static int answer_timeout(Engine *engine, const HttpRequest *request,
                          HttpResponse *response)
{
    char what[128];
    snprintf(what, sizeof what, "the handler ran longer than %g s and was interrupted",
             (double)engine->app->handler_timeout_ns / 1e9);
    log_failure(request, what, NULL);
    response->status = 504;
    http_response_error(response, "handler_timeout", "the handler took too long to answer");
    return 504;
}

static int answer_failure(const HttpRequest *request, HttpResponse *response,
                          const char *what, Buffer *detail)
{
    log_failure(request, what, detail);
    response->status = 500;
    http_response_error(response, "internal_error", "the handler failed");
    return 500;
}

/* The handler threw; describing what it threw may itself run out of time. */
static int answer_exception(Engine *engine, const HttpRequest *request,
                            HttpResponse *response)
{
    if (engine->timed_out) {
        forget_exception(engine->context);
        return answer_timeout(engine, request, response);
    }

    Buffer detail = {0};
    describe_exception(engine->context, &detail);
    int status = engine->timed_out
                     ? answer_timeout(engine, request, response)
                     : answer_failure(request, response, "the handler threw", &detail);
    buffer_free(&detail);
    return status;
}

/* The handler returned; reading its Response runs its getters and traps. */
static int answer_result(Engine *engine, JSValue result, const HttpRequest *request,
                         HttpResponse *response)
{
    size_t start = response->out->len;
    Buffer problem = {0};
    int status = js_response_write(engine, result, response, &problem);
    JS_FreeValue(engine->context, result);
    if (status <= 0) {
        response->out->len = start;
        status = engine->timed_out
                     ? answer_timeout(engine, request, response)
                     : answer_failure(request, response,
                                      "the handler's answer cannot be sent", &problem);
    }
    buffer_free(&problem);
    return status;
}

/* The deadline holds from the call until the answer is written: every piece
   of the handler's code that can run on the way is interrupted with it. */
int engine_handle(Engine *engine, const HttpRequest *request, HttpResponse *response)
{
    JSContext *ctx = engine->context;
    JS_UpdateStackTop(engine->runtime);
    engine->timed_out = false;
    engine->deadline_ns = engine_now_ns() + engine->app->handler_timeout_ns;

    JSValue argument = js_request_new(engine, request);
    JSValue result = JS_EXCEPTION;
    JSValueConst arguments[] = {argument};
    if (!JS_IsException(argument))
        result = JS_Call(ctx, engine->handler, JS_UNDEFINED, 1, arguments);
    JS_FreeValue(ctx, argument);
    result = settle(engine, result);

    int status = JS_IsException(result)
                     ? answer_exception(engine, request, response)
                     : answer_result(engine, result, request, response);
    engine->deadline_ns = 0;
    return status;
}
