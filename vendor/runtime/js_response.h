/* Turning the handler's Response into HTTP. */
#ifndef ZIGTTP_JS_RESPONSE_H
#define ZIGTTP_JS_RESPONSE_H

#include "engine.h"

/* Write `value` (a Response) into `response`; returns the status, or -1 with
   what is wrong in `problem` (not a Response, bad status, bad header). */
int js_response_write(Engine *engine, JSValueConst value, HttpResponse *response,
                      Buffer *problem);

#endif
