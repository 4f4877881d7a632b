/* Hex and base64 (RFC 4648, standard and URL alphabets) for the modules. */
#include "encoding.h"

static const char hex_digits[] = "0123456789abcdef";
static const char standard_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool hex_encode(Buffer *out, const uint8_t *bytes, size_t len)
{
    if (!buffer_reserve(out, len * 2))
        return false;
    for (size_t i = 0; i < len; i++) {
        out->data[out->len++] = hex_digits[bytes[i] >> 4];
        out->data[out->len++] = hex_digits[bytes[i] & 15];
    }
    return true;
}

bool base64_encode(Buffer *out, const void *data, size_t len, Base64Alphabet alphabet)
{
    const uint8_t *bytes = data;
    const char *digits = alphabet == BASE64_URL ? url_digits : standard_digits;
    if (!buffer_reserve(out, (len + 2) / 3 * 4))
        return false;

    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t group =
            (uint32_t)bytes[i] << 16 | (uint32_t)bytes[i + 1] << 8 | bytes[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6)
            out->data[out->len++] = digits[(group >> shift) & 63];
    }

    size_t left = len - i;
    if (left) {
        uint32_t group = (uint32_t)bytes[i] << 16;
        if (left == 2)
            group |= (uint32_t)bytes[i + 1] << 8;
        out->data[out->len++] = digits[(group >> 18) & 63];
        out->data[out->len++] = digits[(group >> 12) & 63];
        if (left == 2)
            out->data[out->len++] = digits[(group >> 6) & 63];
        if (alphabet == BASE64_STANDARD) {
            out->data[out->len++] = '=';
            if (left == 1)
                out->data[out->len++] = '=';
        }
    }
    return true;
}

static int digit_value(char c, Base64Alphabet alphabet)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (alphabet == BASE64_URL ? '-' : '+'))
        return 62;
    if (c == (alphabet == BASE64_URL ? '_' : '/'))
        return 63;
    return -1;
}

bool base64_decode(Buffer *out, const char *text, size_t len, Base64Alphabet alphabet)
{
    while (len > 0 && text[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return false;

    size_t start = out->len;
    if (!buffer_reserve(out, len / 4 * 3 + 3))
        return false;

    uint32_t group = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int value = digit_value(text[i], alphabet);
        if (value < 0) {
            out->len = start;
            return false;
        }
        group = group << 6 | (uint32_t)value;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out->data[out->len++] = (char)((group >> bits) & 0xff);
        }
    }
    return true;
}

bool equal_in_constant_time(const void *a, size_t a_len, const void *b, size_t b_len)
{
    if (a_len != b_len)
        return false;
    const uint8_t *x = a, *y = b;
    uint8_t difference = 0;
    for (size_t i = 0; i < a_len; i++)
        difference |= x[i] ^ y[i];
    return difference == 0;
}
