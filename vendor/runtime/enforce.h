/* Refusing, at run time, what the handler's contract does not allow. */
#ifndef ZIGTTP_ENFORCE_H
#define ZIGTTP_ENFORCE_H

#include <stddef.h>

#include "contract.h"
#include "quickjs.h"

/* The contract of the engine running in `ctx`. */
const Contract *enforce_contract(JSContext *ctx);

/* Write one line on stderr and throw an Error saying that `function` was
   refused because `what` `name` is not in the handler contract, what the
   contract allows, and `hint` (what to do instead). Names are shown with
   control characters escaped. Returns JS_EXCEPTION. */
JSValue enforce_refuse(JSContext *ctx, const char *function, const char *what,
                       const char *name, size_t len, const ContractNames *allowed,
                       const char *hint);

#endif
