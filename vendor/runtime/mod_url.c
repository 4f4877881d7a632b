/* zigttp:url: URL parsing and percent-encoding (url.js). */
#include "virtual_modules.h"

static const char script[] = {
#embed "url.js"
    , 0};

static const char *const exports[] = {
    "urlParse", "urlSearchParams", "urlEncode", "urlDecode", NULL,
};

const VirtualModule mod_url = {
    .name = "url",
    .script = script,
    .exports = exports,
};
