/* zigttp:fetch: fetch and fetchWithRetry (fetch.js), over one C function that
   performs an exchange, following redirects.

   Every hop's host is checked against the contract before a connection is
   made: when egress is proven, a host the contract does not list is refused
   with an Error. Failures of the network (no connection, a timeout, an answer
   too large) answer like the reference: a response with status 599 whose
   `error` names the failure and `details` says what happened. No fetch
   outlives the handler: its deadline is the sooner of its own timeout and the
   handler's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "enforce.h"
#include "fetch_headers.h"
#include "http_client.h"
#include "js_request.h"
#include "js_text.h"
#include "log.h"
#include "virtual_modules.h"

#define FETCH_TIMEOUT_MS 30000
#define FETCH_CONNECT_TIMEOUT_MS 10000
#define FETCH_LONGEST_MS (24 * 3600 * 1000) /* the handler's deadline comes first */
#define FETCH_MAX_RESPONSE_BYTES (16 * 1024 * 1024)
#define FETCH_MAX_REDIRECTS 5

static const char script[] = {
#embed "fetch.js"
    , 0};

typedef enum RedirectMode {
    REDIRECT_FOLLOW,
    REDIRECT_MANUAL,
    REDIRECT_ERROR
} RedirectMode;

typedef struct FetchCall {
    char method[16];
    FetchHeaders headers;
    const char *body_text; /* the handler's body, owned */
    const char *body;      /* what the next hop sends: body_text or NULL */
    size_t body_len;
    size_t max_body;
    int64_t timeout_ms, connect_timeout_ms;
    RedirectMode redirect;
    int redirect_status; /* the status that led to the current hop */
} FetchCall;

/* A positive number option, at most `most`; `fallback` when it is not given. */
static int64_t option(JSContext *ctx, JSValueConst options, const char *name,
                      int64_t fallback, int64_t most)
{
    JSValue value = JS_GetPropertyStr(ctx, options, name);
    double number;
    int64_t result = fallback;
    if (JS_IsNumber(value) && JS_ToFloat64(ctx, &number, value) == 0 && number >= 1)
        result = number < (double)most ? (int64_t)number : most;
    JS_FreeValue(ctx, value);
    return result;
}

static RedirectMode redirect_mode(JSContext *ctx, JSValueConst options)
{
    JSValue value = JS_GetPropertyStr(ctx, options, "redirect");
    const char *text = JS_IsString(value) ? JS_ToCString(ctx, value) : NULL;
    RedirectMode mode = REDIRECT_FOLLOW;
    if (text && strcmp(text, "manual") == 0)
        mode = REDIRECT_MANUAL;
    else if (text && strcmp(text, "error") == 0)
        mode = REDIRECT_ERROR;
    JS_FreeCString(ctx, text);
    JS_FreeValue(ctx, value);
    return mode;
}

/* exchange(url, method, headerPairs, body, options): fill `call` from the
   normalized arguments fetch.js passes. */
static int read_call(JSContext *ctx, int argc, JSValueConst *argv, FetchCall *call)
{
    *call = (FetchCall){0};
    size_t method_len;
    const char *method = js_text_arg(ctx, argc, argv, 1, &method_len);
    if (!method || method_len == 0 || method_len >= sizeof call->method) {
        JS_FreeCString(ctx, method);
        JS_ThrowTypeError(ctx, "fetch(): the method is not a valid HTTP method");
        return -1;
    }
    for (size_t i = 0; i < method_len; i++) {
        char c = method[i];
        call->method[i] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) {
            JS_FreeCString(ctx, method);
            JS_ThrowTypeError(ctx, "fetch(): the method is not a valid HTTP method");
            return -1;
        }
    }
    JS_FreeCString(ctx, method);

    if (argc < 5 || fetch_headers_read(ctx, argv[2], &call->headers) != 0)
        return -1;
    call->body_text = js_text_arg(ctx, argc, argv, 3, &call->body_len);
    call->body = call->body_text;
    call->max_body = (size_t)option(ctx, argv[4], "maxResponseBytes",
                                    FETCH_MAX_RESPONSE_BYTES, FETCH_MAX_RESPONSE_BYTES);
    call->timeout_ms =
        option(ctx, argv[4], "timeoutMs", FETCH_TIMEOUT_MS, FETCH_LONGEST_MS);
    call->connect_timeout_ms = option(ctx, argv[4], "connectTimeoutMs",
                                      FETCH_CONNECT_TIMEOUT_MS, FETCH_LONGEST_MS);
    call->redirect = redirect_mode(ctx, argv[4]);
    return 0;
}

static void free_call(JSContext *ctx, FetchCall *call)
{
    fetch_headers_free(&call->headers);
    JS_FreeCString(ctx, call->body_text);
}

static JSValue failure(JSContext *ctx, const FetchUrl *url, const char *code,
                       const char *problem)
{
    log_line("zigttp-handler: fetch to %s failed (%s): %s", url->authority, code,
             problem);
    const Engine *engine = JS_GetContextOpaque(ctx);
    JSValue headers = JS_NewObjectProto(ctx, engine->prelude.headers_prototype);
    JS_SetPropertyStr(ctx, headers, "content-type",
                      JS_NewString(ctx, "application/json"));

    JSValue result = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, result, "error", JS_NewString(ctx, code));
    JS_SetPropertyStr(ctx, result, "details", JS_NewString(ctx, problem));
    JS_SetPropertyStr(ctx, result, "headers", headers);
    return result;
}

static bool same_name(const HttpHeader *a, const HttpHeader *b)
{
    return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

/* Headers by lowercase name, with get() and has(); repeats joined by ", ". */
static JSValue answer_headers(JSContext *ctx, const HttpClientAnswer *answer)
{
    const Engine *engine = JS_GetContextOpaque(ctx);
    JSValue headers = JS_NewObjectProto(ctx, engine->prelude.headers_prototype);
    Buffer joined = {0};
    for (size_t i = 0; i < answer->header_count; i++) {
        const HttpHeader *header = &answer->headers[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = same_name(&answer->headers[j], header);
        if (seen)
            continue;

        joined.len = 0;
        buffer_append(&joined, header->value, header->value_len);
        for (size_t k = i + 1; k < answer->header_count; k++) {
            if (!same_name(&answer->headers[k], header))
                continue;
            buffer_append(&joined, ", ", 2);
            buffer_append(&joined, answer->headers[k].value,
                          answer->headers[k].value_len);
        }
        js_headers_define(ctx, &engine->prelude, headers, header->name,
                          header->name_len, js_text_from_buffer(ctx, &joined));
    }
    buffer_free(&joined);
    return headers;
}

static JSValue success(JSContext *ctx, const HttpClientAnswer *answer, const char *url,
                       int hops)
{
    JSValue result = JS_NewObject(ctx);
    const char *reason =
        answer->reason[0] ? answer->reason : http_status_text(answer->status);
    JS_SetPropertyStr(ctx, result, "status", JS_NewInt32(ctx, answer->status));
    JS_SetPropertyStr(ctx, result, "statusText", JS_NewString(ctx, reason));
    JS_SetPropertyStr(ctx, result, "headers", answer_headers(ctx, answer));
    JS_SetPropertyStr(ctx, result, "body", js_text_from_buffer(ctx, &answer->body));
    JS_SetPropertyStr(ctx, result, "url", JS_NewString(ctx, url));
    JS_SetPropertyStr(ctx, result, "redirected", JS_NewBool(ctx, hops > 0));
    return result;
}

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* What the next hop sends: 303 (and 301/302 after a POST) turn into a GET
   without a body; credentials never go on to another host. */
static void prepare_next_hop(FetchCall *call, int status, const FetchUrl *from,
                             const FetchUrl *to)
{
    bool to_get = status == 303 || ((status == 301 || status == 302) &&
                                    strcmp(call->method, "POST") == 0);
    if (to_get && strcmp(call->method, "HEAD") != 0) {
        strcpy(call->method, "GET");
        call->body = NULL;
        call->body_len = 0;
        fetch_headers_drop(&call->headers, "content-type");
    }
    if (strcmp(from->authority, to->authority) != 0 || from->tls != to->tls) {
        fetch_headers_drop(&call->headers, "authorization");
        fetch_headers_drop(&call->headers, "cookie");
        fetch_headers_drop(&call->headers, "proxy-authorization");
    }
}

/* The deadline for one hop: its own timeout, cut by the handler's. */
static void deadlines(JSContext *ctx, const FetchCall *call, HttpClientRequest *request)
{
    const Engine *engine = JS_GetContextOpaque(ctx);
    int64_t now = engine_now_ns();
    request->deadline_ns = now + call->timeout_ms * 1000000;
    request->connect_deadline_ns = now + call->connect_timeout_ms * 1000000;
    if (engine->deadline_ns && engine->deadline_ns < request->deadline_ns)
        request->deadline_ns = engine->deadline_ns;
    if (request->connect_deadline_ns > request->deadline_ns)
        request->connect_deadline_ns = request->deadline_ns;
}

/* A fetch cut short by the handler's own deadline ends the handler (504),
   as running out of time in JavaScript does; one cut by its own timeout
   answers 599. */
static JSValue explain_timeout(JSContext *ctx, const FetchUrl *url,
                               const HttpClientAnswer *answer, const FetchCall *call)
{
    const Engine *engine = JS_GetContextOpaque(ctx);
    if (engine->deadline_ns && engine_now_ns() >= engine->deadline_ns) {
        log_line("zigttp-handler: fetch to %s stopped (%s): the handler's own time "
                 "ran out first (see --handler-timeout)",
                 url->authority, answer->problem);
        return engine_interrupt(ctx);
    }

    char problem[400];
    snprintf(problem, sizeof problem, "%s (timeout %lld ms, connect %lld ms)",
             answer->problem, (long long)call->timeout_ms,
             (long long)call->connect_timeout_ms);
    return failure(ctx, url, answer->code, problem);
}

/* One hop: check the contract, exchange, and either answer or say where the
   next hop goes (in `next`). */
static JSValue hop(JSContext *ctx, FetchCall *call, const FetchUrl *url, int hops,
                   const char *url_text, Buffer *next)
{
    const ContractNames *allowed = &enforce_contract(ctx)->egress;
    if (!contract_allows(allowed, url->authority, strlen(url->authority)))
        return enforce_refuse(ctx, "fetch", "host", url->authority,
                              strlen(url->authority), allowed,
                              "fetch only URLs written as literals in the handler (a "
                              "redirect to another host is refused as well)");

    Buffer head = {0};
    if (!fetch_headers_write(&call->headers, &head)) {
        buffer_free(&head);
        return JS_ThrowOutOfMemory(ctx);
    }
    HttpClientRequest request = {
        .method = call->method,
        .headers = &head,
        .body = call->body,
        .body_len = call->body_len,
        .max_body = call->max_body,
    };
    deadlines(ctx, call, &request);

    HttpClientAnswer answer;
    int status = http_client_exchange(url, &request, &answer);
    buffer_free(&head);

    JSValue result = JS_UNDEFINED;
    const HttpHeader *location =
        status == 0 ? http_client_header(&answer, "location") : NULL;
    if (status != 0 && strcmp(answer.code, "TimedOut") == 0)
        result = explain_timeout(ctx, url, &answer, call);
    else if (status != 0)
        result = failure(ctx, url, answer.code, answer.problem);
    else if (!is_redirect(answer.status) || !location ||
             call->redirect == REDIRECT_MANUAL)
        result = success(ctx, &answer, url_text, hops);
    else if (call->redirect == REDIRECT_ERROR)
        result =
            failure(ctx, url, "RedirectNotAllowed",
                    "the server redirected and the fetch said redirect: \"error\"");
    else if (hops == FETCH_MAX_REDIRECTS)
        result =
            failure(ctx, url, "TooManyRedirects", "more than 5 redirects in a row");
    else if (!fetch_url_resolve(url, location->value, location->value_len, next))
        result = JS_ThrowOutOfMemory(ctx);
    http_client_answer_free(&answer);

    if (JS_IsUndefined(result)) /* a redirect: the caller goes on to `next` */
        call->redirect_status = answer.status;
    return result;
}

static JSValue exchange(JSContext *ctx, JSValueConst this_value, int argc,
                        JSValueConst *argv)
{
    size_t url_len;
    const char *url_text = js_text_arg(ctx, argc, argv, 0, &url_len);
    if (!url_text)
        return JS_ThrowTypeError(ctx, "fetch(): the URL must be a string");

    FetchCall call;
    if (read_call(ctx, argc, argv, &call) != 0) {
        JS_FreeCString(ctx, url_text);
        return JS_EXCEPTION;
    }

    Buffer current = {0};
    buffer_append(&current, url_text, url_len);
    buffer_append(&current, "", 1);
    JS_FreeCString(ctx, url_text);

    JSValue result = JS_UNDEFINED;
    FetchUrl url, previous = {0};
    for (int hops = 0; JS_IsUndefined(result); hops++) {
        char problem[200];
        if (fetch_url_parse(current.data, current.len - 1, &url, problem,
                            sizeof problem) != 0) {
            result = hops == 0 ? JS_ThrowTypeError(ctx, "fetch(): %s", problem)
                               : failure(ctx, &previous, "BadRedirect", problem);
            break;
        }
        if (hops > 0)
            prepare_next_hop(&call, call.redirect_status, &previous, &url);

        Buffer next = {0};
        result = hop(ctx, &call, &url, hops, current.data, &next);
        buffer_append(&next, "", 1);
        buffer_free(&current);
        current = next;
        fetch_url_free(&previous);
        previous = url;
    }

    fetch_url_free(&previous);
    buffer_free(&current);
    free_call(ctx, &call);
    return result;
}

/* sleep(ms): wait, but never past the handler's deadline, which ends the
   handler when it comes first. */
static JSValue sleep_ms(JSContext *ctx, JSValueConst this_value, int argc,
                        JSValueConst *argv)
{
    double ms = 0;
    if (argc > 0)
        JS_ToFloat64(ctx, &ms, argv[0]);
    const Engine *engine = JS_GetContextOpaque(ctx);
    int64_t until = engine_now_ns() + (int64_t)(ms > 0 ? ms : 0) * 1000000;
    bool cut = engine->deadline_ns && engine->deadline_ns < until;
    if (cut)
        until = engine->deadline_ns;

    int64_t left;
    while ((left = until - engine_now_ns()) > 0) {
        struct timespec pause = {left / 1000000000, left % 1000000000};
        nanosleep(&pause, NULL);
    }
    return cut ? engine_interrupt(ctx) : JS_UNDEFINED;
}

static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_DEF("exchange", 5, exchange),
    JS_CFUNC_DEF("sleep", 1, sleep_ms),
};

static const char *const exports[] = {"fetch", "fetchWithRetry", NULL};

const VirtualModule mod_fetch = {
    .name = "fetch",
    .functions = natives,
    .function_count = sizeof natives / sizeof natives[0],
    .script = script,
    .exports = exports,
};
