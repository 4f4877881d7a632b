/* The connection under one fetch.

   Sockets are non-blocking; every wait is a poll() bounded by the deadline,
   so a silent server costs at most the time left. The TLS code in tls.zig
   moves its bytes through transport_raw_read and transport_raw_write, so the
   same deadline holds inside the handshake; name lookup (resolve.c) is bounded
   by the connect deadline. */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ca_roots.h"
#include "engine.h"
#include "resolve.h"

static int fail(Transport *transport, const char *code, const char *format,
                const char *detail)
{
    transport->code = code;
    snprintf(transport->problem, sizeof transport->problem, format, detail);
    return -1;
}

/* Wait until `fd` is ready for `events`; 0 ready, -1 when the deadline passed
   (code TimedOut) or poll failed. */
static int wait_for(Transport *transport, short events, int64_t deadline_ns,
                    const char *doing)
{
    for (;;) {
        int64_t left_ns = deadline_ns - engine_now_ns();
        if (left_ns <= 0)
            return fail(transport, "TimedOut", "timed out %s", doing);
        struct pollfd watch = {.fd = transport->fd, .events = events};
        int ready = poll(&watch, 1, (int)((left_ns + 999999) / 1000000));
        if (ready > 0)
            return 0;
        if (ready < 0 && errno != EINTR)
            return fail(transport, "ConnectFailed", "poll failed %s", doing);
    }
}

static bool is_local_name(const char *host)
{
    size_t len = strlen(host);
    static const char suffix[] = ".localhost";
    size_t suffix_len = sizeof suffix - 1;
    return strcmp(host, "localhost") == 0 ||
           (len > suffix_len && strcmp(host + len - suffix_len, suffix) == 0);
}

/* The addresses to try, in order, found before the connect deadline. */
static struct addrinfo *look_up(Transport *transport, const FetchUrl *url,
                                int64_t deadline_ns)
{
    bool local = is_local_name(url->host);
    struct in6_addr address;
    bool numeric = local || inet_pton(AF_INET, url->host, &address) == 1 ||
                   inet_pton(AF_INET6, url->host, &address) == 1;

    struct addrinfo *found = NULL;
    ResolveStatus status = resolve(local ? "127.0.0.1" : url->host, url->port, numeric,
                                   deadline_ns, &found);
    if (status == RESOLVE_TIMED_OUT)
        fail(transport, "TimedOut", "timed out looking up %s", url->host);
    else if (status == RESOLVE_NOT_FOUND)
        fail(transport, "DnsFailed", "cannot find the address of %s", url->host);
    return found;
}

static int connect_one(Transport *transport, const struct addrinfo *address,
                       int64_t deadline_ns)
{
    transport->fd =
        socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
               address->ai_protocol);
    if (transport->fd < 0)
        return fail(transport, "ConnectFailed", "cannot open a socket%s", "");

    if (connect(transport->fd, address->ai_addr, address->ai_addrlen) != 0) {
        if (errno != EINPROGRESS)
            return fail(transport, "ConnectFailed", "cannot connect: %s",
                        strerror(errno));
        if (wait_for(transport, POLLOUT, deadline_ns, "connecting") != 0)
            return -1;
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(transport->fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0)
            return fail(transport, "ConnectFailed", "cannot connect: %s",
                        strerror(error));
    }

    int on = 1;
    setsockopt(transport->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return 0;
}

static int start_tls(Transport *transport, const FetchUrl *url)
{
    char problem[256];
    TlsRoots *roots = ca_roots(problem, sizeof problem);
    if (!roots)
        return fail(transport, "TlsFailed", "%s", problem);

    uint8_t entropy[TLS_ENTROPY_SIZE];
    if (getrandom(entropy, sizeof entropy, 0) != (ssize_t)sizeof entropy)
        return fail(transport, "TlsFailed", "no random bytes for TLS%s", "");

    transport->tls = zigttp_tls_open(roots, transport, url->host, (int64_t)time(NULL),
                                     entropy, problem, sizeof problem);
    if (transport->tls)
        return 0;
    if (transport->code) /* the socket failed or timed out under the handshake */
        return -1;
    return fail(transport, "TlsFailed", "%s", problem);
}

int transport_open(Transport *transport, const FetchUrl *url,
                   int64_t connect_deadline_ns, int64_t deadline_ns)
{
    *transport = (Transport){.fd = -1, .deadline_ns = deadline_ns};
    struct addrinfo *addresses = look_up(transport, url, connect_deadline_ns);
    if (!addresses)
        return -1;

    int status = -1;
    for (struct addrinfo *each = addresses; each && status != 0; each = each->ai_next) {
        if (transport->fd >= 0)
            close(transport->fd);
        transport->code = NULL;
        status = connect_one(transport, each, connect_deadline_ns);
        if (status != 0 && transport->code && strcmp(transport->code, "TimedOut") == 0)
            break; /* the connect time is spent: do not start another */
    }
    freeaddrinfo(addresses);

    if (status == 0 && url->tls)
        status = start_tls(transport, url);
    if (status != 0)
        transport_close(transport);
    return status;
}

ptrdiff_t transport_raw_read(void *opaque, uint8_t *buffer, size_t len)
{
    Transport *transport = opaque;
    for (;;) {
        ssize_t got = read(transport->fd, buffer, len);
        if (got >= 0)
            return got;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return fail(transport, "ReadFailed", "the connection failed: %s",
                        strerror(errno));
        if (wait_for(transport, POLLIN, transport->deadline_ns,
                     "waiting for the answer"))
            return -1;
    }
}

int transport_raw_write(void *opaque, const uint8_t *data, size_t len)
{
    Transport *transport = opaque;
    while (len > 0) {
        ssize_t sent = send(transport->fd, data, len, MSG_NOSIGNAL);
        if (sent > 0) {
            data += sent;
            len -= (size_t)sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent < 0 && errno == EAGAIN) {
            if (wait_for(transport, POLLOUT, transport->deadline_ns,
                         "sending the request"))
                return -1;
        } else {
            return fail(transport, "WriteFailed", "the connection failed: %s",
                        strerror(errno));
        }
    }
    return 0;
}

int transport_write(Transport *transport, const void *data, size_t len)
{
    if (!transport->tls)
        return transport_raw_write(transport, data, len);
    if (zigttp_tls_write(transport->tls, data, len) == 0)
        return 0;
    if (transport->code)
        return -1;
    return fail(transport, "TlsFailed", "%s", zigttp_tls_problem(transport->tls));
}

ptrdiff_t transport_read(Transport *transport, void *buffer, size_t len)
{
    if (!transport->tls)
        return transport_raw_read(transport, buffer, len);
    ptrdiff_t got = zigttp_tls_read(transport->tls, buffer, len);
    if (got >= 0 || transport->code)
        return got;
    fail(transport, "TlsFailed", "%s", zigttp_tls_problem(transport->tls));
    return -1;
}

void transport_close(Transport *transport)
{
    if (transport->tls)
        zigttp_tls_close(transport->tls);
    transport->tls = NULL;
    if (transport->fd >= 0)
        close(transport->fd);
    transport->fd = -1;
}
