/* zigttp:env: env(name) reads an environment variable the contract allows. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "virtual_modules.h"

static JSValue env(JSContext *ctx, JSValueConst this_value, int argc, JSValueConst *argv)
{
    (void)this_value;
    (void)argc;
    size_t len;
    const char *name = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!name)
        return JS_EXCEPTION;

    /* No environment variable has a NUL in its name: "A\0B" is not "A". */
    const Engine *engine = JS_GetContextOpaque(ctx);
    JSValue result = JS_UNDEFINED;
    if (strlen(name) == len && contract_env_visible(&engine->app->contract, name)) {
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
