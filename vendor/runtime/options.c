/* The handler binary's command line: a few flags, each with one meaning. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char options_usage[] =
    "usage: zigttp-handler [-h HOST] [-p PORT] [-q] [--no-env-check]\n"
    "                      [--handler-timeout SECONDS] [--contract]\n"
    "\n"
    "  -h, --host HOST            address to listen on (default 127.0.0.1)\n"
    "  -p, --port PORT            port to listen on, 0 picks a free one (default 8080)\n"
    "  -q, --quiet                no access log line per request\n"
    "  --no-env-check             start even when contract env vars are unset\n"
    "  --handler-timeout SECONDS  interrupt a handler after this long (default 30,\n"
    "                             at most 86400)\n"
    "  --contract                 print the embedded contract and exit\n";

/* The value of a flag written as `--flag VALUE` or `--flag=VALUE`. */
static const char *flag_value(int argc, char **argv, int *index, const char *flag)
{
    const char *arg = argv[*index];
    size_t flag_len = strlen(flag);
    if (arg[flag_len] == '=')
        return arg + flag_len + 1;
    if (*index + 1 >= argc)
        return NULL;
    *index += 1;
    return argv[*index];
}

static bool is_flag(const char *arg, const char *flag)
{
    size_t flag_len = strlen(flag);
    return strncmp(arg, flag, flag_len) == 0 &&
           (arg[flag_len] == '\0' || (flag[1] == '-' && arg[flag_len] == '='));
}

static int parse_port(const char *text, int *port)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < 0 || value > 65535)
        return -1;
    *port = (int)value;
    return 0;
}

/* A handler timeout: from a millisecond to a day, so that in nanoseconds it
   fits a deadline with room to spare (a larger one used to wrap around and
   interrupt every handler at once). */
static int parse_seconds(const char *text, double *seconds)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(value) ||
        value < OPTIONS_MIN_TIMEOUT || value > OPTIONS_MAX_TIMEOUT)
        return -1;
    *seconds = value;
    return 0;
}

int options_parse(int argc, char **argv, Options *options, char *error, size_t size)
{
    *options = (Options){
        .host = "127.0.0.1",
        .port = 8080,
        .env_check = true,
        .handler_timeout = 30.0,
    };

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;

        if (is_flag(arg, "-h") || is_flag(arg, "--host")) {
            value = flag_value(argc, argv, &i, arg[1] == '-' ? "--host" : "-h");
            if (!value || !*value) {
                snprintf(error, size, "%s needs an address", arg);
                return -1;
            }
            options->host = value;
        } else if (is_flag(arg, "-p") || is_flag(arg, "--port")) {
            value = flag_value(argc, argv, &i, arg[1] == '-' ? "--port" : "-p");
            if (!value || parse_port(value, &options->port) != 0) {
                snprintf(error, size, "%s needs a port number from 0 to 65535", arg);
                return -1;
            }
        } else if (is_flag(arg, "--handler-timeout")) {
            value = flag_value(argc, argv, &i, "--handler-timeout");
            if (!value || parse_seconds(value, &options->handler_timeout) != 0) {
                snprintf(error, size,
                         "--handler-timeout needs a number of seconds from %g to %g",
                         OPTIONS_MIN_TIMEOUT, OPTIONS_MAX_TIMEOUT);
                return -1;
            }
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            options->quiet = true;
        } else if (strcmp(arg, "--no-env-check") == 0) {
            options->env_check = false;
        } else if (strcmp(arg, "--contract") == 0) {
            options->print_contract = true;
        } else if (strcmp(arg, "--help") == 0) {
            options->help = true;
        } else {
            snprintf(error, size, "unknown argument %s (see --help)", arg);
            return -1;
        }
    }
    return 0;
}
