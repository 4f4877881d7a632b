/* How `import` finds modules: payload modules by name, zigttp:NAME built in. */
#ifndef ZIGTTP_MODULE_LOADER_H
#define ZIGTTP_MODULE_LOADER_H

#include "quickjs.h"

char *module_normalize(JSContext *ctx, const char *importer, const char *specifier,
                       void *opaque);
JSModuleDef *module_load(JSContext *ctx, const char *name, void *opaque);

#endif
