/* The facts of the embedded contract that the runtime enforces. */
#include "contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printable.h"

static int read_names(JSContext *ctx, JSValueConst list, ContractNames *into)
{
    int64_t count = 0;
    if (JS_GetLength(ctx, list, &count) != 0 || count < 0)
        return -1;

    into->names = calloc((size_t)count + 1, sizeof(char *));
    into->lengths = calloc((size_t)count + 1, sizeof(size_t));
    if (!into->names || !into->lengths)
        return -1;

    for (int64_t i = 0; i < count; i++) {
        JSValue item = JS_GetPropertyInt64(ctx, list, i);
        size_t len;
        const char *name = JS_IsString(item) ? JS_ToCStringLen(ctx, &len, item) : NULL;
        JS_FreeValue(ctx, item);
        if (!name)
            return -1;
        char *copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, name, len + 1);
            into->names[into->count] = copy;
            into->lengths[into->count++] = len;
        }
        JS_FreeCString(ctx, name);
        if (!copy)
            return -1;
    }
    return 0;
}

/* Read `section.field` and `section.dynamic` into `into`; -1 when the list is
   there but is not a list of strings. */
static int read_section(JSContext *ctx, JSValueConst root, const char *section,
                        const char *field, ContractNames *into)
{
    JSValue object = JS_GetPropertyStr(ctx, root, section);
    int status = 0;
    if (JS_IsObject(object)) {
        JSValue dynamic = JS_GetPropertyStr(ctx, object, "dynamic");
        JSValue list = JS_GetPropertyStr(ctx, object, field);
        into->dynamic = JS_ToBool(ctx, dynamic) == 1;
        if (JS_IsArray(list))
            status = read_names(ctx, list, into);
        else if (!JS_IsUndefined(list))
            status = -1;
        JS_FreeValue(ctx, dynamic);
        JS_FreeValue(ctx, list);
    }
    JS_FreeValue(ctx, object);
    return status;
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

    const char *broken = NULL;
    if (read_section(ctx, root, "env", "names", &contract->env) != 0)
        broken = "env.names";
    else if (read_section(ctx, root, "egress", "hosts", &contract->egress) != 0)
        broken = "egress.hosts";
    else if (read_section(ctx, root, "cache", "namespaces", &contract->cache) != 0)
        broken = "cache.namespaces";
    JS_FreeValue(ctx, root);

    if (broken) {
        snprintf(error, size, "%s in the contract is not a list of names", broken);
        return -1;
    }
    return 0;
}

bool contract_allows(const ContractNames *names, const char *name, size_t len)
{
    if (names->dynamic)
        return true;
    for (size_t i = 0; i < names->count; i++) {
        if (names->lengths[i] == len && memcmp(names->names[i], name, len) == 0)
            return true;
    }
    return false;
}

bool contract_env_visible(const Contract *contract, const char *name)
{
    return contract_allows(&contract->env, name, strlen(name));
}

bool contract_describe(const ContractNames *names, Buffer *out)
{
    if (names->count == 0)
        return buffer_append_str(out, "none");
    for (size_t i = 0; i < names->count; i++) {
        if ((i && !buffer_append(out, ", ", 2)) ||
            !buffer_append_printable(out, names->names[i], names->lengths[i]))
            return false;
    }
    return true;
}
