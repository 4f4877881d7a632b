/* The zigttp:NAME modules this runtime provides, one mod_NAME.c file each. */
#ifndef ZIGTTP_VIRTUAL_MODULES_H
#define ZIGTTP_VIRTUAL_MODULES_H

#include "quickjs.h"

/* A module is either its C functions, exported as they are, or a script: a
   JavaScript function expression that is called once per engine with an
   object holding the C functions and returns the object of exports. */
typedef struct VirtualModule {
    const char *name; /* the NAME in zigttp:NAME */
    const JSCFunctionListEntry *functions;
    int function_count;
    const char *script;         /* NULL for a module of C functions only */
    const char *const *exports; /* a script's export names, NULL-terminated */
} VirtualModule;

extern const VirtualModule mod_auth;
extern const VirtualModule mod_cache;
extern const VirtualModule mod_crypto;
extern const VirtualModule mod_env;
extern const VirtualModule mod_fetch;
extern const VirtualModule mod_id;
extern const VirtualModule mod_log;
extern const VirtualModule mod_router;
extern const VirtualModule mod_text;
extern const VirtualModule mod_url;

const VirtualModule *virtual_module_find(const char *name);

/* Declare the module's exports on `module` (at load). */
int virtual_module_declare(JSContext *ctx, JSModuleDef *module,
                           const VirtualModule *virtual);

/* Give the module's exports their values (when it is first imported). */
int virtual_module_define(JSContext *ctx, JSModuleDef *module,
                          const VirtualModule *virtual);

#endif
