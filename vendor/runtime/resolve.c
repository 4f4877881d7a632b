/* Name lookup for fetch, bounded by a deadline.

   getaddrinfo() has no timeout of its own: the C library's resolver waits as
   long as /etc/resolv.conf allows. So a name lookup runs on a thread of its
   own and the caller waits for it only until the deadline; a lookup still
   running then finishes by itself and frees what it found. IP addresses need
   no lookup and skip the thread. */
#include "resolve.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Lookup {
    pthread_mutex_t lock;
    pthread_cond_t finished;
    char port[8];
    struct addrinfo *result;
    int status;
    bool done;
    int holders; /* the caller and the thread: freed when both let go */
    char host[];
} Lookup;

static const struct addrinfo hints = {
    .ai_socktype = SOCK_STREAM,
    .ai_flags = AI_NUMERICSERV,
};

static void let_go(Lookup *lookup)
{
    bool last = --lookup->holders == 0;
    pthread_mutex_unlock(&lookup->lock);
    if (!last)
        return;
    if (lookup->result)
        freeaddrinfo(lookup->result);
    pthread_cond_destroy(&lookup->finished);
    pthread_mutex_destroy(&lookup->lock);
    free(lookup);
}

static void *look_up(void *opaque)
{
    Lookup *lookup = opaque;
    struct addrinfo *result = NULL;
    int status = getaddrinfo(lookup->host, lookup->port, &hints, &result);

    pthread_mutex_lock(&lookup->lock);
    lookup->status = status;
    lookup->result = result;
    lookup->done = true;
    pthread_cond_signal(&lookup->finished);
    let_go(lookup);
    return NULL;
}

static Lookup *lookup_new(const char *host, int port)
{
    size_t len = strlen(host);
    Lookup *lookup = calloc(1, sizeof *lookup + len + 1);
    if (!lookup)
        return NULL;
    memcpy(lookup->host, host, len + 1);
    snprintf(lookup->port, sizeof lookup->port, "%d", port);
    lookup->holders = 2;

    pthread_condattr_t clock;
    pthread_condattr_init(&clock);
    pthread_condattr_setclock(&clock, CLOCK_MONOTONIC);
    pthread_cond_init(&lookup->finished, &clock);
    pthread_condattr_destroy(&clock);
    pthread_mutex_init(&lookup->lock, NULL);
    return lookup;
}

static ResolveStatus resolve_numeric(const char *host, int port,
                                     struct addrinfo **found)
{
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo numeric = hints;
    numeric.ai_flags |= AI_NUMERICHOST;
    return getaddrinfo(host, service, &numeric, found) == 0 ? RESOLVE_FOUND
                                                            : RESOLVE_NOT_FOUND;
}

ResolveStatus resolve(const char *host, int port, int numeric, int64_t deadline_ns,
                      struct addrinfo **found)
{
    *found = NULL;
    if (numeric)
        return resolve_numeric(host, port, found);

    Lookup *lookup = lookup_new(host, port);
    if (!lookup)
        return RESOLVE_NOT_FOUND;

    pthread_t thread;
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    bool started = pthread_create(&thread, &detached, look_up, lookup) == 0;
    pthread_attr_destroy(&detached);
    if (!started) {
        pthread_mutex_lock(&lookup->lock);
        lookup->holders = 1;
        let_go(lookup);
        return RESOLVE_NOT_FOUND;
    }

    struct timespec until = {deadline_ns / 1000000000, deadline_ns % 1000000000};
    pthread_mutex_lock(&lookup->lock);
    while (!lookup->done &&
           pthread_cond_timedwait(&lookup->finished, &lookup->lock, &until) == 0) {
    }

    ResolveStatus status = RESOLVE_TIMED_OUT;
    if (lookup->done) {
        status = lookup->status == 0 ? RESOLVE_FOUND : RESOLVE_NOT_FOUND;
        *found = lookup->result; /* now the caller's to free */
        lookup->result = NULL;
    }
    let_go(lookup);
    return status;
}
