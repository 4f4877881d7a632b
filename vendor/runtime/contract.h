/* The facts of the embedded contract that the runtime enforces. */
#ifndef ZIGTTP_CONTRACT_H
#define ZIGTTP_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "quickjs.h"

/* One category of names the contract proves; `dynamic` means the handler
   computes them, so every name is allowed. A category missing from the
   contract proves nothing is used: every name is refused. */
typedef struct ContractNames {
    char **names;    /* each ends in a NUL, which may not be its only one */
    size_t *lengths; /* so each name is compared whole */
    size_t count;
    bool dynamic;
} ContractNames;

typedef struct Contract {
    ContractNames env;    /* env.names */
    ContractNames egress; /* egress.hosts: "host" or "host:port", lowercase */
    ContractNames cache;  /* cache.namespaces */
} Contract;

/* Parse the contract JSON with the engine's JSON parser; 0 on success, else -1
   with the problem in `error`. */
int contract_parse(JSContext *ctx, const uint8_t *json, size_t len, Contract *contract,
                   char *error, size_t size);

/* Whether `name` (of `len` bytes) is allowed in this category. */
bool contract_allows(const ContractNames *names, const char *name, size_t len);

bool contract_env_visible(const Contract *contract, const char *name);

/* Append the listed names joined with ", " (or "none") for error messages,
   with control characters escaped. */
bool contract_describe(const ContractNames *names, Buffer *out);

#endif
