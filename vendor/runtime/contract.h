/* The facts of the embedded contract that the runtime enforces. */
#ifndef ZIGTTP_CONTRACT_H
#define ZIGTTP_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quickjs.h"

typedef struct Contract {
    char **env_names;
    size_t env_count;
    bool env_dynamic; /* the handler computes names: every variable is visible */
} Contract;

/* Parse the contract JSON with the engine's JSON parser; 0 on success, else -1
   with the problem in `error`. */
int contract_parse(JSContext *ctx, const uint8_t *json, size_t len, Contract *contract,
                   char *error, size_t size);

bool contract_env_visible(const Contract *contract, const char *name);

#endif
