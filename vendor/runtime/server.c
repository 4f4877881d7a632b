/* The listening socket, one thread per connection, and a clean stop.

   Each connection holds a thread, so their number is bounded. When every
   place is taken, a new connection takes the place of the one that has spent
   longest waiting for or reading a request (at least SERVER_EVICT_AFTER_MS):
   clients that open connections and drip bytes into them lose their places
   to clients with requests ready, instead of locking them out. Only when every
   connection is answering, or all are younger than that, is a new one turned
   away with 503. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "connection.h"
#include "http_response.h"
#include "log.h"

#define THREAD_STACK_SIZE (2u * 1024 * 1024)

/* As many connections as the descriptor limit leaves room for, after what
   the engines' fetches and the process itself need; the soft limit is raised
   towards the hard one first. */
static size_t connection_limit(size_t engines)
{
    size_t reserve = 32 + 2 * engines;
    size_t wanted = SERVER_MAX_CONNECTIONS + reserve;
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return SERVER_MAX_CONNECTIONS;
    if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < wanted) {
        rlim_t raised = files.rlim_max == RLIM_INFINITY || files.rlim_max > wanted
                            ? (rlim_t)wanted
                            : files.rlim_max;
        struct rlimit more = {.rlim_cur = raised, .rlim_max = files.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &more) == 0)
            files.rlim_cur = raised;
    }
    if (files.rlim_cur == RLIM_INFINITY || files.rlim_cur >= wanted)
        return SERVER_MAX_CONNECTIONS;
    return files.rlim_cur > reserve + 16 ? (size_t)files.rlim_cur - reserve : 16;
}

int server_listen(Server *server, const char *host, int *port, char *error, size_t size)
{
    char service[16];
    snprintf(service, sizeof service, "%d", *port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
    };
    struct addrinfo *found;
    int status = getaddrinfo(host, service, &hints, &found);
    if (status != 0) {
        snprintf(error, size, "%s", gai_strerror(status));
        return -1;
    }

    int fd = -1;
    int saved_errno = 0;
    for (struct addrinfo *address = found; address; address = address->ai_next) {
        fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(fd, address->ai_addr, address->ai_addrlen) == 0 && listen(fd, 1024) == 0)
            break;
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) {
        snprintf(error, size, "%s", strerror(saved_errno));
        return -1;
    }

    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    getsockname(fd, (struct sockaddr *)&bound, &bound_len);
    if (bound.ss_family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    else
        *port = ntohs(((struct sockaddr_in *)&bound)->sin_port);

    if (pipe2(server->wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(error, size, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    server->listen_fd = fd;
    server->max_connections = connection_limit(server->pool ? server->pool->limit : 8);
    atomic_init(&server->stopping, false);
    pthread_mutex_init(&server->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&server->drained, &attributes);
    pthread_condattr_destroy(&attributes);
    return 0;
}

void server_stop(Server *server)
{
    char byte = 1;
    ssize_t ignored = write(server->wake_pipe[1], &byte, 1);
    (void)ignored;
}

static void set_timeout(int fd, int option, int seconds)
{
    struct timeval limit = {.tv_sec = seconds};
    setsockopt(fd, SOL_SOCKET, option, &limit, sizeof limit);
}

/* Turn a client away without a thread: the connection limit is reached. */
static void turn_away(int fd)
{
    Buffer out = {0};
    HttpResponse response = {.out = &out, .status = 503, .minor_version = 1};
    http_response_error(&response, "unavailable", "too many open connections");
    ssize_t ignored = send(fd, out.data, out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
    buffer_free(&out);
    close(fd);
}

/* Close the connection that has waited for or read its request longest, if
   one has for SERVER_EVICT_AFTER_MS; false when none may go. The caller holds
   the lock, so the victim's descriptor stays open until this returns. */
static bool evict_one(Server *server, int64_t now)
{
    int64_t oldest_allowed = now - (int64_t)SERVER_EVICT_AFTER_MS * 1000000;
    for (;;) {
        Connection *victim = NULL;
        int64_t victim_since = oldest_allowed;
        for (Connection *each = server->connections; each; each = each->next) {
            int state = atomic_load(&each->state);
            int64_t since = atomic_load(&each->since);
            if ((state == CONNECTION_WAITING || state == CONNECTION_READING) &&
                since <= victim_since) {
                victim = each;
                victim_since = since;
            }
        }
        if (!victim)
            return false;

        int state = atomic_load(&victim->state);
        if ((state == CONNECTION_WAITING || state == CONNECTION_READING) &&
            atomic_compare_exchange_strong(&victim->state, &state, CONNECTION_EVICTED)) {
            shutdown(victim->fd, SHUT_RDWR);
            server->evicted++;
            return true;
        }
    }
}

static Connection *admit(Server *server, int fd)
{
    Connection *connection = calloc(1, sizeof *connection);
    if (!connection)
        return NULL;
    int64_t now = engine_now_ns();
    connection->server = server;
    connection->fd = fd;
    atomic_init(&connection->state, CONNECTION_WAITING);
    atomic_init(&connection->since, now);

    pthread_mutex_lock(&server->lock);
    if (server->active - server->evicted >= server->max_connections &&
        !evict_one(server, now)) {
        pthread_mutex_unlock(&server->lock);
        free(connection);
        return NULL;
    }
    connection->next = server->connections;
    if (server->connections)
        server->connections->previous = connection;
    server->connections = connection;
    server->active++;
    pthread_mutex_unlock(&server->lock);
    return connection;
}

void server_forget(Server *server, Connection *connection)
{
    pthread_mutex_lock(&server->lock);
    if (connection->previous)
        connection->previous->next = connection->next;
    else
        server->connections = connection->next;
    if (connection->next)
        connection->next->previous = connection->previous;
    server->active--;
    if (atomic_load(&connection->state) == CONNECTION_EVICTED)
        server->evicted--;
    if (server->active == 0)
        pthread_cond_broadcast(&server->drained);
    pthread_mutex_unlock(&server->lock);
}

static void start_connection(Server *server, pthread_attr_t *attributes, int fd)
{
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    set_timeout(fd, SO_RCVTIMEO, CONNECTION_IDLE_SECONDS);
    set_timeout(fd, SO_SNDTIMEO, CONNECTION_WRITE_SECONDS);

    Connection *connection = admit(server, fd);
    if (!connection) {
        turn_away(fd);
        return;
    }

    pthread_t thread;
    if (pthread_create(&thread, attributes, connection_main, connection) != 0) {
        server_forget(server, connection);
        free(connection);
        turn_away(fd);
    }
}

/* Stop taking connections, wake the idle ones, wait for the busy ones. */
static void drain(Server *server)
{
    close(server->listen_fd);

    pthread_mutex_lock(&server->lock);
    atomic_store(&server->stopping, true);
    for (Connection *connection = server->connections; connection;
         connection = connection->next) {
        int waiting = CONNECTION_WAITING;
        if (atomic_compare_exchange_strong(&connection->state, &waiting,
                                           CONNECTION_EVICTED)) {
            shutdown(connection->fd, SHUT_RD);
            server->evicted++;
        }
    }

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += SERVER_DRAIN_SECONDS;
    while (server->active > 0) {
        int waited =
            pthread_cond_timedwait(&server->drained, &server->lock, &deadline);
        if (waited == ETIMEDOUT)
            break;
    }
    if (server->active > 0)
        log_line("zigttp-handler: stopping with %zu connection(s) still busy",
                 server->active);
    pthread_mutex_unlock(&server->lock);
}

void server_run(Server *server)
{
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, THREAD_STACK_SIZE);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);

    struct pollfd watched[2] = {
        {.fd = server->listen_fd, .events = POLLIN},
        {.fd = server->wake_pipe[0], .events = POLLIN},
    };
    for (;;) {
        if (poll(watched, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (watched[1].revents)
            break;
        if (!(watched[0].revents & POLLIN))
            continue;

        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
                usleep(10000); /* out of descriptors: let connections finish first */
            continue;
        }
        start_connection(server, &attributes, fd);
    }

    pthread_attr_destroy(&attributes);
    drain(server);
}
