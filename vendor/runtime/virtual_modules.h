/* The zigttp:NAME modules this runtime provides, one C file each. */
#ifndef ZIGTTP_VIRTUAL_MODULES_H
#define ZIGTTP_VIRTUAL_MODULES_H

#include "quickjs.h"

typedef struct VirtualModule {
    const char *name; /* the NAME in zigttp:NAME */
    const JSCFunctionListEntry *functions;
    int function_count;
} VirtualModule;

extern const VirtualModule mod_env;

const VirtualModule *virtual_module_find(const char *name);

#endif
