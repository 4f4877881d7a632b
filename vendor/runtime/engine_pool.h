/* Engines shared by connection threads: created on demand, reused, bounded. */
#ifndef ZIGTTP_ENGINE_POOL_H
#define ZIGTTP_ENGINE_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

#define ENGINE_POOL_WAIT_SECONDS 5

typedef struct EnginePool {
    const App *app;
    pthread_mutex_t lock;
    pthread_cond_t available;
    Engine *idle; /* last released first: its memory is still in the cache */
    size_t created;
    size_t limit;
} EnginePool;

/* Set up the pool and create its first engine now, so a handler that cannot load
   is reported at start; -1 with the reason in `error`. */
int engine_pool_init(EnginePool *pool, const App *app, size_t limit, Buffer *error);

/* An engine for this thread, waiting while all are busy; NULL if none can be
   made, with `busy` set when all stayed busy for ENGINE_POOL_WAIT_SECONDS. */
Engine *engine_pool_acquire(EnginePool *pool, bool *busy);
void engine_pool_release(EnginePool *pool, Engine *engine);

#endif
