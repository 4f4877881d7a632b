/* SHA-256 and HMAC-SHA-256: the payload check and the crypto modules. */
#ifndef ZIGTTP_SHA256_H
#define ZIGTTP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

typedef struct Sha256 {
    uint32_t state[8];
    uint64_t total;
    uint8_t block[64];
    size_t pending;
} Sha256;

void sha256_init(Sha256 *hash);
void sha256_update(Sha256 *hash, const void *data, size_t len);
void sha256_final(Sha256 *hash, uint8_t digest[SHA256_DIGEST_SIZE]);

void sha256(const uint8_t *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 uint8_t mac[SHA256_DIGEST_SIZE]);

#endif
