/* A growable byte buffer: the one way the runtime assembles bytes. */
#ifndef ZIGTTP_BUFFER_H
#define ZIGTTP_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Buffer {
    char *data;
    size_t len;
    size_t cap;
} Buffer;

bool buffer_reserve(Buffer *buffer, size_t extra);
bool buffer_append(Buffer *buffer, const void *data, size_t len);
bool buffer_append_str(Buffer *buffer, const char *text);
/* `value` in decimal digits, without printf (a response head is built per request). */
bool buffer_append_decimal(Buffer *buffer, size_t value);
bool buffer_printf(Buffer *buffer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void buffer_consume(Buffer *buffer, size_t count);
void buffer_free(Buffer *buffer);

#endif
