/* The handler payload appended to the runtime: contract and module bytecode. */
#ifndef ZIGTTP_PAYLOAD_H
#define ZIGTTP_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_MAGIC "ZTTPPAY1"
#define PAYLOAD_TRAILER_SIZE 48
#define PAYLOAD_KIND_CONTRACT 1
#define PAYLOAD_KIND_MODULE 2

typedef struct PayloadModule {
    char *name;
    const uint8_t *bytecode;
    size_t bytecode_len;
} PayloadModule;

typedef struct Payload {
    uint8_t *bytes;
    size_t len;
    const uint8_t *contract;
    size_t contract_len;
    PayloadModule *modules; /* the entry module first */
    size_t module_count;
} Payload;

/* Read, check and index the payload at the end of `path`; 0 on success,
   else -1 with a reason in `error`. */
int payload_load(const char *path, Payload *payload, char *error, size_t error_size);

const PayloadModule *payload_find_module(const Payload *payload, const char *name);

#endif
