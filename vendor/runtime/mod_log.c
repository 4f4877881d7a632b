/* zigttp:log: one JSON line on stderr per call (log.js builds the line). */
#include "js_text.h"
#include "log.h"
#include "virtual_modules.h"

static const char script[] = {
#embed "log.js"
    , 0};

static JSValue write_line(JSContext *ctx, JSValueConst this_value, int argc,
                          JSValueConst *argv)
{
    size_t len;
    const char *text = js_text_arg(ctx, argc, argv, 0, &len);
    if (!text)
        return JS_UNDEFINED;

    Buffer line = {0};
    if (buffer_append(&line, text, len) && buffer_append(&line, "\n", 1))
        log_write(line.data, line.len);
    buffer_free(&line);
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_DEF("writeLine", 1, write_line),
};

static const char *const exports[] = {"logDebug", "logInfo", "logWarn", "logError",
                                      NULL};

const VirtualModule mod_log = {
    .name = "log",
    .functions = natives,
    .function_count = sizeof natives / sizeof natives[0],
    .script = script,
    .exports = exports,
};
