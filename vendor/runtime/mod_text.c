/* zigttp:text: HTML escaping and small text transforms (text.js). */
#include "virtual_modules.h"

static const char script[] = {
#embed "text.js"
    , 0};

static const char *const exports[] = {
    "escapeHtml", "unescapeHtml", "slugify", "truncate", "mask", NULL,
};

const VirtualModule mod_text = {
    .name = "text",
    .script = script,
    .exports = exports,
};
