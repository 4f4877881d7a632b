/* How `import` finds modules.

   The build rewrote relative specifiers to payload names relative to the
   importer ("./lib/util.ts"), so resolving is joining paths: no probing for
   extensions. `zigttp:NAME` (or the newer spelling `zttp:NAME`) names a built-in
   virtual module. */
#include "module_loader.h"

#include <string.h>

#include "buffer.h"
#include "engine.h"
#include "virtual_modules.h"

#define VIRTUAL_PREFIX "zigttp:"
#define VIRTUAL_ALIAS "zttp:"

/* Append one path segment to `path`, applying "." and "..". */
static void push_segment(Buffer *path, const char *segment, size_t len)
{
    if (len == 0 || (len == 1 && segment[0] == '.'))
        return;
    if (len == 2 && segment[0] == '.' && segment[1] == '.') {
        while (path->len > 0 && path->data[path->len - 1] != '/')
            path->len--;
        if (path->len > 0)
            path->len--;
        return;
    }
    if (path->len > 0)
        buffer_append(path, "/", 1);
    buffer_append(path, segment, len);
}

static void push_segments(Buffer *path, const char *text, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '/') {
            push_segment(path, text + start, i - start);
            start = i + 1;
        }
    }
}

char *module_normalize(JSContext *ctx, const char *importer, const char *specifier,
                       void *opaque)
{
    (void)opaque;
    Buffer name = {0};

    if (strncmp(specifier, VIRTUAL_ALIAS, strlen(VIRTUAL_ALIAS)) == 0) {
        buffer_append_str(&name, VIRTUAL_PREFIX);
        buffer_append_str(&name, specifier + strlen(VIRTUAL_ALIAS));
    } else if (specifier[0] == '.') {
        const char *slash = strrchr(importer, '/');
        if (slash)
            push_segments(&name, importer, (size_t)(slash - importer));
        push_segments(&name, specifier, strlen(specifier));
    } else {
        buffer_append_str(&name, specifier);
    }

    char *result = NULL;
    if (buffer_append(&name, "", 1))
        result = js_strdup(ctx, name.data);
    buffer_free(&name);
    if (!result)
        JS_ThrowOutOfMemory(ctx);
    return result;
}

static int init_virtual_module(JSContext *ctx, JSModuleDef *module)
{
    JSAtom atom = JS_GetModuleName(ctx, module);
    const char *name = JS_AtomToCString(ctx, atom);
    JS_FreeAtom(ctx, atom);
    if (!name)
        return -1;

    const VirtualModule *virtual = virtual_module_find(name + strlen(VIRTUAL_PREFIX));
    JS_FreeCString(ctx, name);
    if (!virtual)
        return -1;
    return virtual_module_define(ctx, module, virtual);
}

static JSModuleDef *load_virtual(JSContext *ctx, const char *name)
{
    const VirtualModule *virtual = virtual_module_find(name + strlen(VIRTUAL_PREFIX));
    if (!virtual) {
        JS_ThrowReferenceError(ctx, "unknown module %s: this runtime does not provide it",
                               name);
        return NULL;
    }

    JSModuleDef *module = JS_NewCModule(ctx, name, init_virtual_module);
    if (!module)
        return NULL;
    if (virtual_module_declare(ctx, module, virtual) != 0)
        return NULL;
    return module;
}

JSModuleDef *module_load(JSContext *ctx, const char *name, void *opaque)
{
    const Engine *engine = opaque;

    if (strncmp(name, VIRTUAL_PREFIX, strlen(VIRTUAL_PREFIX)) == 0)
        return load_virtual(ctx, name);

    const PayloadModule *found = payload_find_module(&engine->app->payload, name);
    if (!found) {
        JS_ThrowReferenceError(ctx, "cannot find module %s in the handler's payload",
                               name);
        return NULL;
    }

    JSValue module =
        JS_ReadObject(ctx, found->bytecode, found->bytecode_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(module))
        return NULL;
    if (JS_VALUE_GET_TAG(module) != JS_TAG_MODULE) {
        JS_FreeValue(ctx, module);
        JS_ThrowTypeError(ctx, "payload module %s is not a module", name);
        return NULL;
    }

    /* The context's module list keeps the definition alive. */
    JSModuleDef *definition = JS_VALUE_GET_PTR(module);
    JS_FreeValue(ctx, module);
    return definition;
}
