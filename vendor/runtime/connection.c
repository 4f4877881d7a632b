/* One client connection: read requests, answer them, keep alive or close.

   Sockets are blocking with receive and send timeouts, so a slow client only
   ever holds its own thread. Each response goes out in one send.

   A connection says what it is doing (waiting for a request, reading one,
   answering one) so that the server, when every place is taken, can close
   the one that has been waiting or reading longest to make room; see
   server.c. A request's head must arrive within CONNECTION_HEAD_SECONDS of
   its first byte, its body within CONNECTION_BODY_SECONDS of the head. */
#include "connection.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "printable.h"

#define READ_CHUNK 16384
#define MAX_BUFFERED (HTTP_MAX_HEAD + 2 * HTTP_MAX_BODY + READ_CHUNK)

/* After refusing a request, what the client still sends is read and dropped
   for this long (and at most this much): closing a socket with unread bytes
   resets the connection, and the client would lose the answer with it. */
#define LINGER_NS (2 * NS_PER_SECOND)
#define LINGER_MAX_BYTES (8 * HTTP_MAX_BODY)

enum { READ_OK = 1, READ_CLOSED = 0, READ_TIMEOUT = -1, READ_FAILED = -2 };

/* Wait until `fd` has bytes or `deadline` passes; false when it passed. */
static bool readable_before(int fd, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - engine_now_ns();
        if (left <= 0)
            return false;
        struct pollfd watch = {.fd = fd, .events = POLLIN};
        int ready = poll(&watch, 1, (int)((left + 999999) / 1000000));
        if (ready != 0 && !(ready < 0 && errno == EINTR))
            return true; /* ready, or failed: recv says which */
    }
}

/* Read what has come; with a `deadline` (not 0) wait no longer than it,
   else as long as the socket's receive timeout. */
static int read_some(Connection *connection, int64_t deadline)
{
    Buffer *in = &connection->in;
    if (in->len >= MAX_BUFFERED || !buffer_reserve(in, READ_CHUNK))
        return READ_FAILED;
    if (deadline && !readable_before(connection->fd, deadline))
        return READ_TIMEOUT;

    for (;;) {
        ssize_t got = recv(connection->fd, in->data + in->len, in->cap - in->len, 0);
        if (got > 0) {
            in->len += (size_t)got;
            return READ_OK;
        }
        if (got == 0)
            return READ_CLOSED;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? READ_TIMEOUT : READ_FAILED;
    }
}

static bool send_all(Connection *connection, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t sent = send(connection->fd, data, len, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return false;
        data += sent;
        len -= (size_t)sent;
    }
    return true;
}

static const char *error_code(int status)
{
    switch (status) {
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 431: return "headers_too_large";
    case 501: return "not_implemented";
    case 505: return "http_version_not_supported";
    default: return "bad_request";
    }
}

/* Move to `state` unless the server has closed this connection to make room. */
static bool enter(Connection *connection, int state)
{
    if (state != CONNECTION_ANSWERING)
        atomic_store(&connection->since, engine_now_ns());
    int current = atomic_load(&connection->state);
    do {
        if (current == CONNECTION_EVICTED)
            return false;
    } while (!atomic_compare_exchange_weak(&connection->state, &current, state));
    return true;
}

/* Answer a request we could not read, then close. */
static void refuse(Connection *connection, int status)
{
    connection->linger = status != 408;
    connection->out.len = 0;
    HttpResponse response = {
        .out = &connection->out,
        .status = status,
        .minor_version = 1,
    };
    http_response_error(&response, error_code(status), http_status_text(status));
    send_all(connection, connection->out.data, connection->out.len);
}

/* Wait for the next request's first bytes; false when the connection should end. */
static bool await_request(Connection *connection)
{
    if (!enter(connection, CONNECTION_WAITING) ||
        atomic_load(&connection->server->stopping))
        return false;
    return read_some(connection, 0) == READ_OK &&
           enter(connection, CONNECTION_READING);
}

/* Read more of a started request; false (after answering 408) when too late. */
static bool read_more(Connection *connection, int64_t deadline)
{
    int result = read_some(connection, deadline);
    if (result == READ_TIMEOUT)
        refuse(connection, 408);
    return result == READ_OK;
}

/* Parse a head; 0 means a reply went out or the peer left, else the head length. */
static long read_head(Connection *connection, HttpRequest *request)
{
    int64_t deadline = 0;
    Buffer *in = &connection->in;
    for (;;) {
        long parsed = in->len ? http_parse_head(in->data, in->len, request) : 0;
        if (parsed > 0)
            return parsed;
        if (parsed < 0) {
            refuse(connection, (int)-parsed);
            return 0;
        }

        if (in->len == 0) {
            if (!await_request(connection))
                return 0;
            continue;
        }
        if (deadline == 0)
            deadline = engine_now_ns() + CONNECTION_HEAD_SECONDS * NS_PER_SECOND;
        if (!read_more(connection, deadline))
            return 0;
    }
}

static bool send_continue(Connection *connection, const HttpRequest *request)
{
    static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!request->expect_continue)
        return true;
    return send_all(connection, line, sizeof line - 1);
}

/* Read the body after a head of `head_len` bytes; returns the bytes the whole
   request used, or 0 when a reply went out or the peer left. The head is parsed
   again afterwards because reading may have moved the buffer. */
static size_t read_body(Connection *connection, HttpRequest *request, long head_len)
{
    int64_t deadline = engine_now_ns() + CONNECTION_BODY_SECONDS * NS_PER_SECOND;
    size_t used;

    if (request->body_kind == HTTP_BODY_LENGTH) {
        used = (size_t)head_len + request->content_length;
        if (connection->in.len < used && !send_continue(connection, request))
            return 0;
        while (connection->in.len < used) {
            if (!read_more(connection, deadline))
                return 0;
        }
    } else if (request->body_kind == HTTP_BODY_CHUNKED) {
        ChunkedDecoder decoder = {0};
        bool done = false;
        size_t at = (size_t)head_len;
        connection->body.len = 0;
        if (!send_continue(connection, request))
            return 0;
        /* Bytes the decoder has used are dropped at once: the buffer holds the
           head, the decoded body and what has not been decoded yet, however
           small the chunks. */
        for (;;) {
            Buffer *in = &connection->in;
            long fed = http_chunked_feed(&decoder, in->data + at, in->len - at,
                                         &connection->body, &done);
            if (fed < 0) {
                refuse(connection, (int)-fed);
                return 0;
            }
            memmove(in->data + at, in->data + at + fed, in->len - at - (size_t)fed);
            in->len -= (size_t)fed;
            if (done)
                break;
            if (!read_more(connection, deadline))
                return 0;
        }
        used = at;
    } else {
        return (size_t)head_len;
    }

    http_parse_head(connection->in.data, connection->in.len, request);
    if (request->body_kind == HTTP_BODY_LENGTH) {
        request->body = connection->in.data + head_len;
        request->body_len = request->content_length;
    } else {
        request->body = connection->body.data;
        request->body_len = connection->body.len;
    }
    return used;
}

/* The parser lets no ASCII control through, but UTF-8 can still carry C1
   controls and bidirectional marks: a path with any such byte is escaped. */
static void log_access(const HttpRequest *request, int status, int64_t started)
{
    double elapsed_ms = (double)(engine_now_ns() - started) / 1e6;
    Buffer escaped = {0};
    const char *path = request->target;
    size_t path_len = request->path_len;
    for (size_t i = 0; i < path_len; i++) {
        if ((unsigned char)path[i] >= 0x80) {
            buffer_append_printable(&escaped, path, path_len);
            path = escaped.data;
            path_len = escaped.len;
            break;
        }
    }
    log_line("%.*s %.*s %d %.2fms", (int)request->method_len, request->method,
             (int)path_len, path, status, elapsed_ms);
    buffer_free(&escaped);
}

/* Answer one complete request with the handler. */
static bool answer(Connection *connection, const HttpRequest *request)
{
    Server *server = connection->server;
    int64_t started = server->quiet ? 0 : engine_now_ns();
    bool keep_alive = request->keep_alive && !atomic_load(&server->stopping);

    connection->out.len = 0;
    HttpResponse response = {
        .out = &connection->out,
        .head_only = request->head,
        .keep_alive = keep_alive,
        .minor_version = request->minor_version,
    };

    int status;
    bool busy;
    Engine *engine = engine_pool_acquire(server->pool, &busy);
    if (engine) {
        status = engine_handle(engine, request, &response);
        engine_pool_release(server->pool, engine);
    } else {
        status = response.status = 503;
        http_response_error(&response, "unavailable",
                            busy ? "every JavaScript engine stayed busy"
                                 : "no JavaScript engine can be started");
    }
    if (keep_alive && atomic_load(&server->stopping)) {
        http_response_close_after(&response);
        keep_alive = false;
    }

    bool sent = send_all(connection, connection->out.data, connection->out.len);
    if (!server->quiet)
        log_access(request, status, started);
    return sent && keep_alive;
}

static void serve(Connection *connection)
{
    for (;;) {
        HttpRequest request;
        if (connection->in.len && !enter(connection, CONNECTION_READING))
            return; /* the next request came with the last one */
        long head_len = read_head(connection, &request);
        if (head_len <= 0)
            return;

        size_t used = read_body(connection, &request, head_len);
        if (used == 0 || !enter(connection, CONNECTION_ANSWERING))
            return;

        bool again = answer(connection, &request);
        buffer_consume(&connection->in, used);
        if (!again)
            return;
    }
}

/* Read and drop what the client is still sending after a refusal, so the
   refusal is not lost to a reset when the socket closes. */
static void linger(Connection *connection)
{
    shutdown(connection->fd, SHUT_WR);
    int64_t deadline = engine_now_ns() + LINGER_NS;
    size_t dropped = 0;
    Buffer *in = &connection->in;
    while (dropped < LINGER_MAX_BYTES && in->cap > 0 &&
           readable_before(connection->fd, deadline)) {
        ssize_t got = recv(connection->fd, in->data, in->cap, 0);
        if (got <= 0)
            return;
        dropped += (size_t)got;
    }
}

void *connection_main(void *argument)
{
    Connection *connection = argument;
    serve(connection);
    if (connection->linger)
        linger(connection);

    Server *server = connection->server;
    server_forget(server, connection);
    close(connection->fd);
    buffer_free(&connection->in);
    buffer_free(&connection->out);
    buffer_free(&connection->body);
    free(connection);
    return NULL;
}
