/* The zigttp:NAME modules this runtime provides: adding one is one line here
   (and its declaration in virtual_modules.h) plus its own mod_NAME.c. */
#include "virtual_modules.h"

#include <stdio.h>
#include <string.h>

static const VirtualModule *const modules[] = {
    &mod_auth, &mod_cache, &mod_crypto, &mod_env,  &mod_fetch,
    &mod_id,   &mod_log,   &mod_router, &mod_text, &mod_url,
};

const VirtualModule *virtual_module_find(const char *name)
{
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        if (strcmp(modules[i]->name, name) == 0)
            return modules[i];
    }
    return NULL;
}

int virtual_module_declare(JSContext *ctx, JSModuleDef *module,
                           const VirtualModule *virtual)
{
    if (!virtual->script)
        return JS_AddModuleExportList(ctx, module, virtual->functions,
                                      virtual->function_count);
    for (const char *const *name = virtual->exports; *name; name++) {
        if (JS_AddModuleExport(ctx, module, *name) != 0)
            return -1;
    }
    return 0;
}

/* Run the module's script with its C functions and collect what it returns. */
static JSValue run_script(JSContext *ctx, const VirtualModule *virtual)
{
    char file[64];
    snprintf(file, sizeof file, "zigttp:%s", virtual->name);
    JSValue function = JS_Eval(ctx, virtual->script, strlen(virtual->script), file,
                               JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(function))
        return function;

    JSValue natives = JS_NewObject(ctx);
    if (virtual->function_count > 0)
        JS_SetPropertyFunctionList(ctx, natives, virtual->functions,
                                   virtual->function_count);
    JSValue exports = JS_Call(ctx, function, JS_UNDEFINED, 1, (JSValueConst *)&natives);
    JS_FreeValue(ctx, natives);
    JS_FreeValue(ctx, function);
    return exports;
}

int virtual_module_define(JSContext *ctx, JSModuleDef *module,
                          const VirtualModule *virtual)
{
    if (!virtual->script)
        return JS_SetModuleExportList(ctx, module, virtual->functions,
                                      virtual->function_count);

    JSValue exports = run_script(ctx, virtual);
    if (JS_IsException(exports))
        return -1;

    int status = 0;
    for (const char *const *name = virtual->exports; *name && status == 0; name++) {
        JSValue value = JS_GetPropertyStr(ctx, exports, *name);
        status =
            JS_IsException(value) ? -1 : JS_SetModuleExport(ctx, module, *name, value);
    }
    JS_FreeValue(ctx, exports);
    return status;
}
