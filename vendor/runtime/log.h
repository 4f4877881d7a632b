/* Lines on stderr, each written whole so threads never interleave them. */
#ifndef ZIGTTP_LOG_H
#define ZIGTTP_LOG_H

#include <stddef.h>

void log_line(const char *format, ...) __attribute__((format(printf, 1, 2)));
void log_write(const char *text, size_t len);

#endif
