/* SHA-256, to check the payload against the digest in its trailer. */
#ifndef ZIGTTP_SHA256_H
#define ZIGTTP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

void sha256(const uint8_t *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
