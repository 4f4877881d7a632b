/* One client connection: read requests, answer them, keep alive or close. */
#ifndef ZIGTTP_CONNECTION_H
#define ZIGTTP_CONNECTION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "server.h"

#define NS_PER_SECOND INT64_C(1000000000)
#define CONNECTION_IDLE_SECONDS 5 /* for a request's first byte */
#define CONNECTION_HEAD_SECONDS 5 /* from a request's first byte to its blank line */
#define CONNECTION_BODY_SECONDS 10 /* from the head to the body's last byte */
#define CONNECTION_WRITE_SECONDS 10

/* What a connection is doing. WAITING and READING ones hold no request the
   server has taken on: it may close them (EVICTED) to make room, and closes
   WAITING ones when it stops. */
enum {
    CONNECTION_WAITING,
    CONNECTION_READING,
    CONNECTION_ANSWERING,
    CONNECTION_EVICTED,
};

typedef struct Connection {
    Server *server;
    int fd;
    atomic_int state;
    _Atomic int64_t since; /* when it last began waiting or reading (monotonic ns) */
    bool linger;           /* a request was refused: drain before closing */
    struct Connection *previous;
    struct Connection *next;
    Buffer in;
    Buffer out;
    Buffer body; /* a chunked body, decoded */
} Connection;

/* The thread body for one connection; frees it when done. */
void *connection_main(void *connection);

#endif
