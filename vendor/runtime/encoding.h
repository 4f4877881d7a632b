/* Hex and base64 (RFC 4648, standard and URL alphabets) for the modules. */
#ifndef ZIGTTP_ENCODING_H
#define ZIGTTP_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

typedef enum Base64Alphabet {
    BASE64_STANDARD, /* + and /, padded with = */
    BASE64_URL,      /* - and _, no padding (JWT) */
} Base64Alphabet;

bool hex_encode(Buffer *out, const uint8_t *bytes, size_t len);
bool base64_encode(Buffer *out, const void *data, size_t len, Base64Alphabet alphabet);

/* Decode `text`; padding is optional. False (with `out` unchanged in length)
   when a character is outside the alphabet or the length cannot be base64. */
bool base64_decode(Buffer *out, const char *text, size_t len, Base64Alphabet alphabet);

/* Equal contents, compared in time that depends only on the lengths. */
bool equal_in_constant_time(const void *a, size_t a_len, const void *b, size_t b_len);

#endif
