/* Engines shared by connection threads: created on demand, reused, bounded.

   Each engine runs the handler module's top level once when it is created.
   Every handler ends by its deadline, so engines come back; a request that
   still finds them all busy after a bounded wait is turned away (503) rather
   than queued for ever behind handlers that may each take the whole timeout. */
#include "engine_pool.h"

#include <errno.h>
#include <time.h>

#include "log.h"

int engine_pool_init(EnginePool *pool, const App *app, size_t limit, Buffer *error)
{
    *pool = (EnginePool){.app = app, .limit = limit};
    pthread_mutex_init(&pool->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->available, &attributes);
    pthread_condattr_destroy(&attributes);

    Engine *first = engine_create(app, error);
    if (!first)
        return -1;
    pool->idle = first;
    pool->created = 1;
    return 0;
}

/* Wait for a free engine until ENGINE_POOL_WAIT_SECONDS have passed; false
   when the wait ran out with every engine still busy. */
static bool wait_for_engine(EnginePool *pool)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ENGINE_POOL_WAIT_SECONDS;
    while (!pool->idle && pool->created >= pool->limit) {
        if (pthread_cond_timedwait(&pool->available, &pool->lock, &deadline) ==
            ETIMEDOUT)
            return pool->idle || pool->created < pool->limit;
    }
    return true;
}

Engine *engine_pool_acquire(EnginePool *pool, bool *busy)
{
    *busy = false;
    pthread_mutex_lock(&pool->lock);
    if (!wait_for_engine(pool)) {
        pthread_mutex_unlock(&pool->lock);
        *busy = true;
        return NULL;
    }

    Engine *engine = pool->idle;
    if (engine) {
        pool->idle = engine->next_free;
        pthread_mutex_unlock(&pool->lock);
        return engine;
    }
    pool->created++;
    pthread_mutex_unlock(&pool->lock);

    Buffer error = {0};
    engine = engine_create(pool->app, &error);
    if (!engine) {
        log_line("zigttp-handler: cannot start another engine: %.*s", (int)error.len,
                 error.data);
        pthread_mutex_lock(&pool->lock);
        pool->created--;
        pthread_cond_signal(&pool->available);
        pthread_mutex_unlock(&pool->lock);
    }
    buffer_free(&error);
    return engine;
}

void engine_pool_release(EnginePool *pool, Engine *engine)
{
    pthread_mutex_lock(&pool->lock);
    engine->next_free = pool->idle;
    pool->idle = engine;
    pthread_cond_signal(&pool->available);
    pthread_mutex_unlock(&pool->lock);
}
