/* zigttp:router: routerMatch over route tables (router.js). */
#include "virtual_modules.h"

static const char script[] = {
#embed "router.js"
    , 0};

static const char *const exports[] = {"routerMatch", NULL};

const VirtualModule mod_router = {
    .name = "router",
    .script = script,
    .exports = exports,
};
