/* Text from a handler or a peer, made safe to write in a log line or an error.

   A name a handler computed (a cache namespace, an env name) or a request
   target goes into messages people read on a terminal. Written raw, a NUL
   would cut it short ("ns1\0" shown as "ns1") and escape sequences, carriage
   returns or bidirectional marks would act on the terminal. What counts as
   active is the same set zigttp.untrusted escapes on the Python side: C0 and
   C1 controls, DEL, U+061C, U+200B-U+200F, U+2028-U+202E, U+2066-U+2069 and
   U+FEFF. */
#include "printable.h"

#include <stdint.h>

static bool is_active(uint32_t code)
{
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code == 0x061c ||
           (code >= 0x200b && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e) ||
           (code >= 0x2066 && code <= 0x2069) || code == 0xfeff;
}

/* The code point of the UTF-8 sequence at `text`, and its length in `size`;
   false when it is not one (a stray byte, an overlong form, a surrogate). */
static bool decode(const unsigned char *text, size_t len, uint32_t *code, size_t *size)
{
    unsigned char lead = text[0];
    size_t need = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2
                  : lead >= 0xe0 && lead < 0xf0                 ? 3
                  : lead >= 0xf0 && lead < 0xf5                 ? 4
                                                                : 0;
    if (need == 0 || need > len)
        return false;

    uint32_t value = need == 1 ? lead : lead & (0x7f >> need);
    for (size_t i = 1; i < need; i++) {
        if ((text[i] & 0xc0) != 0x80)
            return false;
        value = (value << 6) | (text[i] & 0x3f);
    }
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < smallest[need] || value > 0x10ffff ||
        (value >= 0xd800 && value <= 0xdfff))
        return false;
    *code = value;
    *size = need;
    return true;
}

static bool append_escape(Buffer *out, uint32_t code)
{
    switch (code) {
    case '\n': return buffer_append(out, "\\n", 2);
    case '\r': return buffer_append(out, "\\r", 2);
    case '\t': return buffer_append(out, "\\t", 2);
    default:
        return code < 0x100 ? buffer_printf(out, "\\x%02x", (unsigned)code)
                            : buffer_printf(out, "\\u%04x", (unsigned)code);
    }
}

bool buffer_append_printable(Buffer *out, const char *text, size_t len)
{
    const unsigned char *at = (const unsigned char *)text;
    const unsigned char *end = at + len;
    while (at < end) {
        uint32_t code;
        size_t size;
        bool ok;
        if (!decode(at, (size_t)(end - at), &code, &size)) {
            ok = append_escape(out, *at);
            size = 1;
        } else if (is_active(code)) {
            ok = append_escape(out, code);
        } else {
            ok = buffer_append(out, at, size);
        }
        if (!ok)
            return false;
        at += size;
    }
    return true;
}
