/* The handler binary's command line. */
#ifndef ZIGTTP_OPTIONS_H
#define ZIGTTP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define OPTIONS_MIN_TIMEOUT 0.001 /* seconds */
#define OPTIONS_MAX_TIMEOUT 86400.0

typedef struct Options {
    const char *host;
    int port;
    bool quiet;
    bool env_check;
    bool print_contract;
    bool help;
    double handler_timeout; /* seconds */
} Options;

extern const char options_usage[];

/* Fill `options` from argv; 0 on success, else -1 with the problem in `error`. */
int options_parse(int argc, char **argv, Options *options, char *error, size_t size);

#endif
