/* The globals every engine sets up before loading the handler.

   Each prelude file is a function expression; it is called once per context with
   the natives it needs and returns the values the C side keeps. */
#include "prelude.h"

#include "buffer.h"
#include "log.h"

static const char response_js[] = {
#embed "response.js"
    , 0};
static const char request_js[] = {
#embed "request.js"
    , 0};
static const char jsx_js[] = {
#embed "jsx.js"
    , 0};
static const char console_js[] = {
#embed "console.js"
    , 0};

static JSValue write_line(JSContext *ctx, JSValueConst this_value, int argc,
                          JSValueConst *argv)
{
    (void)this_value;
    (void)argc;
    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!text)
        return JS_EXCEPTION;

    Buffer line = {0};
    if (buffer_append(&line, text, len) && buffer_append(&line, "\n", 1))
        log_write(line.data, line.len);
    buffer_free(&line);
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

/* Evaluate one prelude file and call the function it defines with `arg`. */
static JSValue run_file(JSContext *ctx, const char *source, size_t len, const char *name,
                        JSValue arg)
{
    JSValue function = JS_Eval(ctx, source, len, name, JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(function)) {
        JS_FreeValue(ctx, arg);
        return JS_EXCEPTION;
    }
    JSValue result = JS_Call(ctx, function, JS_UNDEFINED, 1, (JSValueConst *)&arg);
    JS_FreeValue(ctx, function);
    JS_FreeValue(ctx, arg);
    return result;
}

static int take(JSContext *ctx, JSValue exports, const char *name, JSValue *into)
{
    *into = JS_GetPropertyStr(ctx, exports, name);
    return JS_IsException(*into) ? -1 : 0;
}

int prelude_install(JSContext *ctx, Prelude *prelude)
{
    *prelude = (Prelude){
        .response_class = JS_UNDEFINED,
        .request_prototype = JS_UNDEFINED,
        .headers_prototype = JS_UNDEFINED,
    };

    JSValue response = run_file(ctx, response_js, sizeof response_js - 1,
                                "zigttp:prelude/response.js", JS_UNDEFINED);
    JSValue request = run_file(ctx, request_js, sizeof request_js - 1,
                               "zigttp:prelude/request.js", JS_UNDEFINED);
    JSValue jsx =
        run_file(ctx, jsx_js, sizeof jsx_js - 1, "zigttp:prelude/jsx.js", JS_UNDEFINED);
    JSValue console = run_file(ctx, console_js, sizeof console_js - 1,
                               "zigttp:prelude/console.js",
                               JS_NewCFunction(ctx, write_line, "writeLine", 1));

    int status = 0;
    JSValue hidden = JS_UNDEFINED;
    if (JS_IsException(response) || JS_IsException(request) || JS_IsException(jsx) ||
        JS_IsException(console) ||
        take(ctx, response, "Response", &prelude->response_class) ||
        take(ctx, request, "requestPrototype", &prelude->request_prototype) ||
        take(ctx, request, "headersPrototype", &prelude->headers_prototype) ||
        take(ctx, request, "hidden", &hidden))
        status = -1;
    else
        prelude->hidden_headers = JS_ValueToAtom(ctx, hidden);
    JS_FreeValue(ctx, hidden);
    JS_FreeValue(ctx, response);
    JS_FreeValue(ctx, request);
    JS_FreeValue(ctx, jsx);
    JS_FreeValue(ctx, console);
    if (status)
        return -1;

    prelude->method = JS_NewAtom(ctx, "method");
    prelude->url = JS_NewAtom(ctx, "url");
    prelude->path = JS_NewAtom(ctx, "path");
    prelude->query = JS_NewAtom(ctx, "query");
    prelude->headers = JS_NewAtom(ctx, "headers");
    prelude->body = JS_NewAtom(ctx, "body");
    prelude->status = JS_NewAtom(ctx, "status");
    return 0;
}

void prelude_free(JSContext *ctx, Prelude *prelude)
{
    JS_FreeValue(ctx, prelude->response_class);
    JS_FreeValue(ctx, prelude->request_prototype);
    JS_FreeValue(ctx, prelude->headers_prototype);
    JSAtom atoms[] = {prelude->hidden_headers, prelude->method, prelude->url,
                      prelude->path,           prelude->query,  prelude->headers,
                      prelude->body,           prelude->status};
    for (size_t i = 0; i < sizeof atoms / sizeof atoms[0]; i++) {
        if (atoms[i] != JS_ATOM_NULL)
            JS_FreeAtom(ctx, atoms[i]);
    }
}
