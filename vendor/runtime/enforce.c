/* Refusing, at run time, what the handler's contract does not allow. */
#include "enforce.h"

#include "buffer.h"
#include "engine.h"
#include "log.h"
#include "printable.h"

const Contract *enforce_contract(JSContext *ctx)
{
    const Engine *engine = JS_GetContextOpaque(ctx);
    return &engine->app->contract;
}

JSValue enforce_refuse(JSContext *ctx, const char *function, const char *what,
                       const char *name, size_t len, const ContractNames *allowed,
                       const char *hint)
{
    Buffer message = {0};
    buffer_printf(&message, "%s refused: %s ", function, what);
    buffer_append_printable(&message, name, len);
    buffer_append_str(&message, " is not in the handler contract (it allows: ");
    contract_describe(allowed, &message);
    buffer_printf(&message, "); %s", hint);
    log_line("zigttp-handler: %.*s", (int)message.len, message.data);

    /* The engine cuts thrown messages at 256 bytes: set the whole one after. */
    JS_ThrowPlainError(ctx, "%s refused", function);
    JSValue error = JS_GetException(ctx);
    JS_DefinePropertyValueStr(ctx, error, "message",
                              JS_NewStringLen(ctx, message.data, message.len),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    buffer_free(&message);
    return JS_Throw(ctx, error);
}
