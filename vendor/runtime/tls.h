/* The TLS client in tls.zig, as C sees it. */
#ifndef ZIGTTP_TLS_H
#define ZIGTTP_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_ENTROPY_SIZE 240

typedef struct TlsRoots TlsRoots;
typedef struct TlsSession TlsSession;

/* Parse PEM certificates; NULL when none is usable. Certificates already
   expired at `now_seconds` are left out. */
TlsRoots *zigttp_tls_roots_load(const char *pem, size_t len, int64_t now_seconds);
size_t zigttp_tls_roots_count(const TlsRoots *roots);

/* Handshake over `transport` (read and written through transport_raw_read and
   transport_raw_write), verifying the server for `host`; NULL on failure with
   the reason in `problem`. */
TlsSession *zigttp_tls_open(TlsRoots *roots, void *transport, const char *host,
                            int64_t now_seconds,
                            const uint8_t entropy[TLS_ENTROPY_SIZE], char *problem,
                            size_t problem_size);
int zigttp_tls_write(TlsSession *session, const void *data, size_t len);
ptrdiff_t zigttp_tls_read(TlsSession *session, void *buffer, size_t len);
const char *zigttp_tls_problem(const TlsSession *session);
void zigttp_tls_close(TlsSession *session);

#endif
