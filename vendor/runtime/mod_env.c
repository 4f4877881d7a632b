/* zigttp:env: env(name) reads an environment variable the contract allows. */
#include <stdlib.h>

#include "engine.h"
#include "virtual_modules.h"

static JSValue env(JSContext *ctx, JSValueConst this_value, int argc, JSValueConst *argv)
{
    (void)this_value;
    (void)argc;
    const char *name = JS_ToCString(ctx, argv[0]);
    if (!name)
        return JS_EXCEPTION;

    const Engine *engine = JS_GetContextOpaque(ctx);
    JSValue result = JS_UNDEFINED;
    if (contract_env_visible(&engine->app->contract, name)) {
        const char *value = getenv(name);
        if (value)
            result = JS_NewString(ctx, value);
    }
    JS_FreeCString(ctx, name);
    return result;
}

static const JSCFunctionListEntry functions[] = {
    JS_CFUNC_DEF("env", 1, env),
};

const VirtualModule mod_env = {
    .name = "env",
    .functions = functions,
    .function_count = sizeof functions / sizeof functions[0],
};
