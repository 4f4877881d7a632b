/* A growable byte buffer: the one way the runtime assembles bytes. */
#include "buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool buffer_reserve(Buffer *buffer, size_t extra)
{
    size_t needed = buffer->len + extra;
    if (needed < buffer->len)
        return false;
    if (needed <= buffer->cap)
        return true;

    size_t cap = buffer->cap ? buffer->cap : 256;
    while (cap < needed)
        cap *= 2;

    char *data = realloc(buffer->data, cap);
    if (!data)
        return false;
    buffer->data = data;
    buffer->cap = cap;
    return true;
}

bool buffer_append(Buffer *buffer, const void *data, size_t len)
{
    if (!buffer_reserve(buffer, len))
        return false;
    if (len)
        memcpy(buffer->data + buffer->len, data, len);
    buffer->len += len;
    return true;
}

bool buffer_append_str(Buffer *buffer, const char *text)
{
    return buffer_append(buffer, text, strlen(text));
}

/* Formatted once into the room there is; only text longer than that is
   formatted again after the buffer grows. */
bool buffer_printf(Buffer *buffer, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    size_t room = buffer->cap - buffer->len;
    int needed = vsnprintf(room ? buffer->data + buffer->len : NULL, room, format, args);
    va_end(args);
    if (needed < 0)
        return false;
    if ((size_t)needed < room) {
        buffer->len += (size_t)needed;
        return true;
    }
    if (!buffer_reserve(buffer, (size_t)needed + 1))
        return false;

    va_start(args, format);
    vsnprintf(buffer->data + buffer->len, (size_t)needed + 1, format, args);
    va_end(args);
    buffer->len += (size_t)needed;
    return true;
}

bool buffer_append_decimal(Buffer *buffer, size_t value)
{
    char digits[24];
    size_t at = sizeof digits;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    return buffer_append(buffer, digits + at, sizeof digits - at);
}

/* Drop `count` bytes from the front, keeping what follows (a pipelined request). */
void buffer_consume(Buffer *buffer, size_t count)
{
    if (count >= buffer->len) {
        buffer->len = 0;
        return;
    }
    memmove(buffer->data, buffer->data + count, buffer->len - count);
    buffer->len -= count;
}

void buffer_free(Buffer *buffer)
{
    free(buffer->data);
    buffer->data = NULL;
    buffer->len = 0;
    buffer->cap = 0;
}
