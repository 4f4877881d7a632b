/* Lines on stderr, each written whole so threads never interleave them. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "buffer.h"

void log_write(const char *text, size_t len)
{
    while (len > 0) {
        ssize_t written = write(2, text, len);
        if (written <= 0)
            return;
        text += written;
        len -= (size_t)written;
    }
}

void log_line(const char *format, ...)
{
    char small[512];
    va_list args;
    va_start(args, format);
    int needed = vsnprintf(small, sizeof small - 1, format, args);
    va_end(args);
    if (needed < 0)
        return;

    if ((size_t)needed < sizeof small - 1) {
        small[needed] = '\n';
        log_write(small, (size_t)needed + 1);
        return;
    }

    Buffer line = {0};
    if (buffer_reserve(&line, (size_t)needed + 2)) {
        va_start(args, format);
        vsnprintf(line.data, (size_t)needed + 1, format, args);
        va_end(args);
        line.data[needed] = '\n';
        log_write(line.data, (size_t)needed + 1);
    }
    buffer_free(&line);
}
