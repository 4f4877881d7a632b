/* The certificate authorities https fetches trust. */
#ifndef ZIGTTP_CA_ROOTS_H
#define ZIGTTP_CA_ROOTS_H

#include <stddef.h>

#include "tls.h"

/* The roots, loaded on first use and then shared: the file SSL_CERT_FILE
   names when it is set, else the system's bundle when there is one, else the
   bundle built into this binary. NULL with the reason in `problem`. */
TlsRoots *ca_roots(char *problem, size_t size);

#endif
