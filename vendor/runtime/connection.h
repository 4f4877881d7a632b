/* One client connection: read requests, answer them, keep alive or close. */
#ifndef ZIGTTP_CONNECTION_H
#define ZIGTTP_CONNECTION_H

#include <stdatomic.h>
#include <stdbool.h>

#include "buffer.h"
#include "server.h"

#define CONNECTION_IDLE_SECONDS 5  /* between requests on a kept-alive connection */
#define CONNECTION_READ_SECONDS 10 /* from a request's first byte to its last */
#define CONNECTION_WRITE_SECONDS 10

typedef struct Connection {
    Server *server;
    int fd;
    atomic_bool idle; /* waiting for the next request: safe to close on stop */
    struct Connection *previous;
    struct Connection *next;
    Buffer in;
    Buffer out;
    Buffer body; /* a chunked body, decoded */
} Connection;

/* The thread body for one connection; frees it when done. */
void *connection_main(void *connection);

#endif
