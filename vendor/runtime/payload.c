/* The handler payload: found through the trailer at the end of our own file.

   binary  = runtime || payload || trailer
   payload = section*, section = u32 kind | u32 name_len | name | u32 data_len | data
   trailer = u64 payload_len | sha256(payload) | "ZTTPPAY1", little-endian */
#include "payload.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"

static int fail(char *error, size_t error_size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
    return -1;
}

static uint32_t read_u32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

static uint64_t read_u64(const uint8_t *bytes)
{
    return (uint64_t)read_u32(bytes) | (uint64_t)read_u32(bytes + 4) << 32;
}

static int read_exactly(int fd, uint8_t *into, size_t len, off_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t got = pread(fd, into + done, len - done, offset + (off_t)done);
        if (got <= 0)
            return -1;
        done += (size_t)got;
    }
    return 0;
}

static int read_payload(const char *path, Payload *payload, char *error, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(error, size, "cannot open %s", path);

    struct stat info;
    uint8_t trailer[PAYLOAD_TRAILER_SIZE];
    if (fstat(fd, &info) != 0 || info.st_size < PAYLOAD_TRAILER_SIZE ||
        read_exactly(fd, trailer, sizeof trailer, info.st_size - PAYLOAD_TRAILER_SIZE)) {
        close(fd);
        return fail(error, size, "cannot read the trailer of %s", path);
    }
    if (memcmp(trailer + 40, PAYLOAD_MAGIC, 8) != 0) {
        close(fd);
        return fail(error, size,
                    "no payload trailer (a bare runtime; build a handler with zigttp)");
    }

    uint64_t len = read_u64(trailer);
    uint64_t room = (uint64_t)info.st_size - PAYLOAD_TRAILER_SIZE;
    if (len == 0 || len > room) {
        close(fd);
        return fail(error, size, "payload length %llu does not fit in the file",
                    (unsigned long long)len);
    }

    uint8_t *bytes = malloc((size_t)len);
    if (!bytes || read_exactly(fd, bytes, (size_t)len, (off_t)(room - len))) {
        free(bytes);
        close(fd);
        return fail(error, size, "cannot read %llu payload bytes",
                    (unsigned long long)len);
    }
    close(fd);

    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256(bytes, (size_t)len, digest);
    if (memcmp(digest, trailer + 8, SHA256_DIGEST_SIZE) != 0) {
        free(bytes);
        return fail(error, size, "sha256 of the payload does not match its trailer");
    }

    payload->bytes = bytes;
    payload->len = (size_t)len;
    return 0;
}

static int index_sections(Payload *payload, char *error, size_t size)
{
    const uint8_t *at = payload->bytes;
    const uint8_t *end = payload->bytes + payload->len;
    size_t capacity = 0;

    while (at < end) {
        if ((size_t)(end - at) < 8)
            return fail(error, size, "section header cut short");
        uint32_t kind = read_u32(at);
        uint32_t name_len = read_u32(at + 4);
        at += 8;
        if ((size_t)(end - at) < (size_t)name_len + 4)
            return fail(error, size, "section name cut short");
        const uint8_t *name = at;
        at += name_len;
        uint32_t data_len = read_u32(at);
        at += 4;
        if ((size_t)(end - at) < data_len)
            return fail(error, size, "section data cut short");
        const uint8_t *data = at;
        at += data_len;

        if (kind == PAYLOAD_KIND_CONTRACT) {
            payload->contract = data;
            payload->contract_len = data_len;
            continue;
        }
        if (kind != PAYLOAD_KIND_MODULE)
            return fail(error, size, "unknown section kind %u", kind);

        if (payload->module_count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            PayloadModule *grown =
                realloc(payload->modules, capacity * sizeof *payload->modules);
            if (!grown)
                return fail(error, size, "out of memory");
            payload->modules = grown;
        }
        PayloadModule *module = &payload->modules[payload->module_count++];
        module->name = strndup((const char *)name, name_len);
        module->bytecode = data;
        module->bytecode_len = data_len;
        if (!module->name)
            return fail(error, size, "out of memory");
    }

    if (!payload->contract)
        return fail(error, size, "no contract section");
    if (payload->module_count == 0)
        return fail(error, size, "no module section");
    return 0;
}

int payload_load(const char *path, Payload *payload, char *error, size_t error_size)
{
    memset(payload, 0, sizeof *payload);
    if (read_payload(path, payload, error, error_size) != 0)
        return -1;
    return index_sections(payload, error, error_size);
}

const PayloadModule *payload_find_module(const Payload *payload, const char *name)
{
    for (size_t i = 0; i < payload->module_count; i++) {
        if (strcmp(payload->modules[i].name, name) == 0)
            return &payload->modules[i];
    }
    return NULL;
}
