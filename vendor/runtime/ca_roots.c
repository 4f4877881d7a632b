/* The certificate authorities https fetches trust, loaded once per process. */
#include "ca_roots.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buffer.h"
#include "log.h"

/* Mozilla's list, from the certifi release pinned in vendor/lock.json,
   reduced to its PEM blocks at build time. */
static const char embedded_pem[] = {
#embed "ca-roots.pem"
    , 0};

static const char *const system_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine */
    "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
    "/etc/ssl/ca-bundle.pem",             /* openSUSE */
    "/etc/ssl/cert.pem",                  /* Alpine, macOS */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static TlsRoots *loaded;
static char failure[256];

static bool read_file(const char *path, Buffer *into)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return false;
    char chunk[16384];
    size_t got;
    bool ok = true;
    while (ok && (got = fread(chunk, 1, sizeof chunk, file)) > 0)
        ok = buffer_append(into, chunk, got);
    ok = ok && !ferror(file);
    fclose(file);
    return ok;
}

static TlsRoots *load_file(const char *path, int64_t now)
{
    Buffer pem = {0};
    TlsRoots *roots = NULL;
    if (read_file(path, &pem) && pem.len)
        roots = zigttp_tls_roots_load(pem.data, pem.len, now);
    buffer_free(&pem);
    return roots;
}

static void load(void)
{
    int64_t now = (int64_t)time(NULL);
    const char *chosen = getenv("SSL_CERT_FILE");
    if (chosen && *chosen) {
        loaded = load_file(chosen, now);
        if (!loaded)
            snprintf(failure, sizeof failure,
                     "SSL_CERT_FILE=%s holds no usable certificate: point it at a "
                     "PEM bundle, or unset it to use the built-in roots",
                     chosen);
        return;
    }

    for (size_t i = 0; i < sizeof system_bundles / sizeof system_bundles[0]; i++) {
        loaded = load_file(system_bundles[i], now);
        if (loaded)
            return;
    }

    loaded = zigttp_tls_roots_load(embedded_pem, sizeof embedded_pem - 1, now);
    if (!loaded)
        snprintf(failure, sizeof failure,
                 "the built-in certificate bundle cannot be read: set SSL_CERT_FILE "
                 "to a PEM bundle");
}

TlsRoots *ca_roots(char *problem, size_t size)
{
    pthread_mutex_lock(&lock);
    if (!loaded && !failure[0])
        load();
    TlsRoots *roots = loaded;
    if (!roots)
        snprintf(problem, size, "%s", failure);
    pthread_mutex_unlock(&lock);
    return roots;
}
