/* The zigttp:NAME modules this runtime provides: adding one is one line here
   (and its declaration in virtual_modules.h) plus its own mod_NAME.c. */
#include "virtual_modules.h"

#include <string.h>

static const VirtualModule *const modules[] = {
    &mod_env,
};

const VirtualModule *virtual_module_find(const char *name)
{
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        if (strcmp(modules[i]->name, name) == 0)
            return modules[i];
    }
    return NULL;
}
