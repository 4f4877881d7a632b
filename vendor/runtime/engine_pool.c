/* Engines shared by connection threads: created on demand, reused, bounded.

   Each engine runs the handler module's top level once when it is created. */
#include "engine_pool.h"

#include "log.h"

int engine_pool_init(EnginePool *pool, const App *app, size_t limit, Buffer *error)
{
    *pool = (EnginePool){.app = app, .limit = limit};
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->available, NULL);

    Engine *first = engine_create(app, error);
    if (!first)
        return -1;
    pool->idle = first;
    pool->created = 1;
    return 0;
}

Engine *engine_pool_acquire(EnginePool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (!pool->idle && pool->created >= pool->limit)
        pthread_cond_wait(&pool->available, &pool->lock);

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
