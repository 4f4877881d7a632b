/* Name lookup for fetch, bounded by a deadline. */
#ifndef ZIGTTP_RESOLVE_H
#define ZIGTTP_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

typedef enum ResolveStatus {
    RESOLVE_FOUND,
    RESOLVE_NOT_FOUND,
    RESOLVE_TIMED_OUT,
} ResolveStatus;

/* The TCP addresses of `host` (a name, or an IP address when `numeric`) and
   `port`, looked up before `deadline_ns` (monotonic, as engine_now_ns). On
   RESOLVE_FOUND the caller frees `*found` with freeaddrinfo. */
ResolveStatus resolve(const char *host, int port, int numeric, int64_t deadline_ns,
                      struct addrinfo **found);

#endif
