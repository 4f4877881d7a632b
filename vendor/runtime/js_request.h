/* The request object handed to the handler. */
#ifndef ZIGTTP_JS_REQUEST_H
#define ZIGTTP_JS_REQUEST_H

#include "engine.h"

/* {method, url, path, query, headers, body} with text() and json() inherited;
   JS_EXCEPTION when memory runs out. */
JSValue js_request_new(Engine *engine, const HttpRequest *request);

#endif
