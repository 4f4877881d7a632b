/* The connection under one fetch: name lookup, a connect bounded in time,
   then bytes over TCP or TLS, each read and write bounded by one deadline. */
#ifndef ZIGTTP_TRANSPORT_H
#define ZIGTTP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch_url.h"
#include "tls.h"

typedef struct Transport {
    int fd;
    TlsSession *tls;
    int64_t deadline_ns; /* monotonic, as engine_now_ns */
    const char *code;    /* on failure: TimedOut, ConnectFailed, TlsFailed, ... */
    char problem[256];   /* on failure: what happened, for people */
} Transport;

/* Connect to the URL's host and port (".localhost" names are this machine, as
   RFC 6761 has it) before `connect_deadline_ns`, then handshake TLS for https.
   -1 on failure with `code` and `problem` set. */
int transport_open(Transport *transport, const FetchUrl *url,
                   int64_t connect_deadline_ns, int64_t deadline_ns);
int transport_write(Transport *transport, const void *data, size_t len);

/* Bytes read (at least one), 0 at the end of the stream, -1 on failure. */
ptrdiff_t transport_read(Transport *transport, void *buffer, size_t len);
void transport_close(Transport *transport);

#endif
