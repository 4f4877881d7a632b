/* The facts of the embedded contract that the runtime enforces. */
#include "contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_env_names(JSContext *ctx, JSValueConst names, Contract *contract)
{
    int64_t count = 0;
    if (JS_GetLength(ctx, names, &count) != 0 || count < 0)
        return -1;

    contract->env_names = calloc((size_t)count + 1, sizeof(char *));
    if (!contract->env_names)
        return -1;

    for (int64_t i = 0; i < count; i++) {
        JSValue item = JS_GetPropertyInt64(ctx, names, i);
        const char *name = JS_IsString(item) ? JS_ToCString(ctx, item) : NULL;
        JS_FreeValue(ctx, item);
        if (!name)
            return -1;
        contract->env_names[contract->env_count++] = strdup(name);
        JS_FreeCString(ctx, name);
    }
    return 0;
}

int contract_parse(JSContext *ctx, const uint8_t *json, size_t len, Contract *contract,
                   char *error, size_t size)
{
    memset(contract, 0, sizeof *contract);

    /* JS_ParseJSON wants a NUL after the text. */
    char *text = malloc(len + 1);
    if (!text) {
        snprintf(error, size, "out of memory");
        return -1;
    }
    memcpy(text, json, len);
    text[len] = '\0';
    JSValue root = JS_ParseJSON(ctx, text, len, "contract.json");
    free(text);

    if (JS_IsException(root) || !JS_IsObject(root)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, root);
        snprintf(error, size, "the contract is not a JSON object");
        return -1;
    }

    int status = 0;
    JSValue env = JS_GetPropertyStr(ctx, root, "env");
    if (JS_IsObject(env)) {
        JSValue dynamic = JS_GetPropertyStr(ctx, env, "dynamic");
        JSValue names = JS_GetPropertyStr(ctx, env, "names");
        contract->env_dynamic = JS_ToBool(ctx, dynamic) == 1;
        if (JS_IsArray(names) && read_env_names(ctx, names, contract) != 0) {
            snprintf(error, size, "env.names in the contract is not a list of names");
            status = -1;
        }
        JS_FreeValue(ctx, dynamic);
        JS_FreeValue(ctx, names);
    }
    JS_FreeValue(ctx, env);
    JS_FreeValue(ctx, root);
    return status;
}

bool contract_env_visible(const Contract *contract, const char *name)
{
    if (contract->env_dynamic)
        return true;
    for (size_t i = 0; i < contract->env_count; i++) {
        if (strcmp(contract->env_names[i], name) == 0)
            return true;
    }
    return false;
}
