/* Text from a handler or a peer, made safe to write in a log line or an error. */
#ifndef ZIGTTP_PRINTABLE_H
#define ZIGTTP_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"

/* Append `text` (UTF-8) with every character a terminal would act on written
   as an escape: \n, \r, \t, \xNN or \uNNNN. Bytes that are not UTF-8 become
   \xNN too, and a NUL shows as \x00 rather than ending the text. */
bool buffer_append_printable(Buffer *out, const char *text, size_t len);

#endif
