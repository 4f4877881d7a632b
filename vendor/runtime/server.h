/* The listening socket, one thread per connection, and a clean stop. */
#ifndef ZIGTTP_SERVER_H
#define ZIGTTP_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine_pool.h"

#define SERVER_MAX_CONNECTIONS 4096 /* fewer when descriptors are short */
#define SERVER_EVICT_AFTER_MS 1000   /* the youngest connection ever closed for room */
#define SERVER_DRAIN_SECONDS 10

struct Connection;

typedef struct Server {
    EnginePool *pool;
    bool quiet;
    int listen_fd;
    int wake_pipe[2];
    atomic_bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t drained;
    struct Connection *connections;
    size_t active;          /* connections with a thread */
    size_t evicted;         /* of those, closed to make room and still ending */
    size_t max_connections; /* SERVER_MAX_CONNECTIONS, or what descriptors allow */
} Server;

/* Bind and listen; on success `port` holds the port bound (useful with 0).
   -1 with the reason in `error`. */
int server_listen(Server *server, const char *host, int *port, char *error, size_t size);

/* Accept connections until server_stop, then let in-flight requests finish
   (for at most SERVER_DRAIN_SECONDS). */
void server_run(Server *server);

/* Ask server_run to stop; safe to call from a signal handler. */
void server_stop(Server *server);

/* Called by a connection thread as it ends. */
void server_forget(Server *server, struct Connection *connection);

#endif
