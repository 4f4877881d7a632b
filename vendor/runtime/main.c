/* zigttp-handler: serve the handler embedded in this binary over HTTP.

   Exit codes: 0 clean stop, 1 bad arguments or cannot listen, 2 bad payload,
   3 handler failed to load or missing environment variables. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "contract.h"
#include "engine.h"
#include "engine_pool.h"
#include "log.h"
#include "options.h"
#include "payload.h"
#include "printable.h"
#include "server.h"

enum {
    EXIT_CLEAN = 0,
    EXIT_USAGE = 1,
    EXIT_PAYLOAD = 2,
    EXIT_HANDLER = 3,
};

static Server server;

static void stop_on_signal(int signal_number)
{
    (void)signal_number;
    server_stop(&server);
}

/* Once the server listens, SIGTERM and SIGINT mean "finish and exit 0"; before
   that they keep their default of ending the process at once. */
static void install_signal_handlers(void)
{
    struct sigaction stop = {.sa_handler = stop_on_signal};
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGINT, &stop, NULL);
}

static void write_stdout(const void *data, size_t len)
{
    const char *at = data;
    while (len > 0) {
        ssize_t written = write(1, at, len);
        if (written <= 0)
            return;
        at += written;
        len -= (size_t)written;
    }
}

/* Parse the contract with a throwaway engine context. */
static int read_contract(App *app, char *error, size_t size)
{
    JSRuntime *runtime = JS_NewRuntime();
    JSContext *context = runtime ? JS_NewContext(runtime) : NULL;
    int status = -1;
    if (context)
        status = contract_parse(context, app->payload.contract, app->payload.contract_len,
                                &app->contract, error, size);
    else
        snprintf(error, size, "out of memory");
    if (context)
        JS_FreeContext(context);
    if (runtime)
        JS_FreeRuntime(runtime);
    return status;
}

/* Every env name the contract lists must be set; name the ones that are not. */
static int check_environment(const Contract *contract)
{
    Buffer missing = {0};
    for (size_t i = 0; i < contract->env.count; i++) {
        /* getenv stops at a NUL: "A\0B" would be found as "A". No variable
           has a NUL in its name, so such a name is never set. */
        const char *name = contract->env.names[i];
        if (strlen(name) == contract->env.lengths[i] && getenv(name))
            continue;
        if (missing.len)
            buffer_append_str(&missing, ", ");
        buffer_append_printable(&missing, contract->env.names[i],
                                contract->env.lengths[i]);
    }
    if (missing.len == 0)
        return 0;
    log_line("zigttp-handler: missing environment variables: %.*s "
             "(set them or pass --no-env-check)",
             (int)missing.len, missing.data);
    buffer_free(&missing);
    return -1;
}

static size_t engine_limit(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t limit = cpus > 0 ? (size_t)cpus * 4 : 8;
    return limit < 8 ? 8 : limit > 64 ? 64 : limit;
}

static void print_url(const char *host, int port)
{
    if (strchr(host, ':'))
        log_line("zigttp-handler listening on http://[%s]:%d", host, port);
    else
        log_line("zigttp-handler listening on http://%s:%d", host, port);
}

int main(int argc, char **argv)
{
    char error[512];
    Options options;
    if (options_parse(argc, argv, &options, error, sizeof error) != 0) {
        log_line("zigttp-handler: %s", error);
        return EXIT_USAGE;
    }
    if (options.help) {
        write_stdout(options_usage, strlen(options_usage));
        return EXIT_CLEAN;
    }

    static App app;
    if (payload_load("/proc/self/exe", &app.payload, error, sizeof error) != 0) {
        log_line("zigttp-handler: payload damaged: %s", error);
        return EXIT_PAYLOAD;
    }
    if (options.print_contract) {
        write_stdout(app.payload.contract, app.payload.contract_len);
        write_stdout("\n", 1);
        return EXIT_CLEAN;
    }
    if (read_contract(&app, error, sizeof error) != 0) {
        log_line("zigttp-handler: payload damaged: %s", error);
        return EXIT_PAYLOAD;
    }
    if (options.env_check && check_environment(&app.contract) != 0)
        return EXIT_HANDLER;
    app.handler_timeout_ns = (int64_t)(options.handler_timeout * 1e9);

    signal(SIGPIPE, SIG_IGN);
    static EnginePool pool;
    Buffer load_error = {0};
    if (engine_pool_init(&pool, &app, engine_limit(), &load_error) != 0) {
        log_line("zigttp-handler: cannot load the handler: %.*s", (int)load_error.len,
                 load_error.data);
        return EXIT_HANDLER;
    }

    server.pool = &pool;
    server.quiet = options.quiet;
    int port = options.port;
    if (server_listen(&server, options.host, &port, error, sizeof error) != 0) {
        log_line("zigttp-handler: cannot listen on %s:%d: %s", options.host, options.port,
                 error);
        return EXIT_USAGE;
    }
    install_signal_handlers();
    print_url(options.host, port);

    server_run(&server);
    /* Threads may still hold engines: leave without running exit handlers. */
    _exit(EXIT_CLEAN);
}
