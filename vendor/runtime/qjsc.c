/* zigttp-qjsc: compile one ES module to QuickJS bytecode, at build time.

   usage: zigttp-qjsc MODULE_NAME INPUT.js OUTPUT.bc

   The bytecode keeps line numbers (for stack traces) but not the source text,
   and depends only on the input bytes and the module name. A syntax error is
   one line on stderr, `NAME:LINE:COL: message`, and exit status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 131072;
            char *grown = realloc(data, cap);
            if (!grown) {
                free(data);
                fclose(file);
                return NULL;
            }
            data = grown;
        }
        size_t got = fread(data + *len, 1, cap - *len - 1, file);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(file);
    data[*len] = '\0';
    return data;
}

/* Find LINE and COL in the first stack line, "    at NAME:LINE:COL". */
static void error_position(const char *stack, int *line, int *column)
{
    *line = 1;
    *column = 1;
    if (!stack)
        return;
    const char *end = strchr(stack, '\n');
    if (!end)
        end = stack + strlen(stack);

    const char *last = NULL, *before = NULL;
    for (const char *at = stack; at < end; at++) {
        if (*at == ':') {
            before = last;
            last = at;
        }
    }
    if (before && last) {
        *line = atoi(before + 1);
        *column = atoi(last + 1);
    }
}

static void report_error(JSContext *ctx, const char *name)
{
    JSValue error = JS_GetException(ctx);
    JSValue stack = JS_GetPropertyStr(ctx, error, "stack");
    const char *text = JS_ToCString(ctx, error);
    const char *stack_text = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;

    int line, column;
    error_position(stack_text, &line, &column);
    fprintf(stderr, "%s:%d:%d: %s\n", name, line, column, text ? text : "cannot compile");

    JS_FreeCString(ctx, text);
    JS_FreeCString(ctx, stack_text);
    JS_FreeValue(ctx, stack);
    JS_FreeValue(ctx, error);
}

/* Compiling resolves imports, but only the runtime can provide them: every
   import gets an empty placeholder here, and bindings are checked at run time. */
static int init_placeholder(JSContext *ctx, JSModuleDef *module)
{
    (void)ctx;
    (void)module;
    return 0;
}

static JSModuleDef *load_placeholder(JSContext *ctx, const char *name, void *opaque)
{
    (void)opaque;
    return JS_NewCModule(ctx, name, init_placeholder);
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return -1;
    size_t written = fwrite(data, 1, len, file);
    int closed = fclose(file);
    return written == len && closed == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: zigttp-qjsc MODULE_NAME INPUT.js OUTPUT.bc\n");
        return 2;
    }
    const char *name = argv[1];

    size_t len;
    char *source = read_file(argv[2], &len);
    if (!source) {
        fprintf(stderr, "zigttp-qjsc: cannot read %s\n", argv[2]);
        return 2;
    }

    JSRuntime *runtime = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(runtime);
    JS_SetModuleLoaderFunc(runtime, NULL, load_placeholder, NULL);
    JSValue module = JS_Eval(ctx, source, len, name,
                             JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    free(source);
    if (JS_IsException(module)) {
        report_error(ctx, name);
        return 1;
    }

    size_t size;
    uint8_t *bytecode = JS_WriteObject(ctx, &size, module,
                                       JS_WRITE_OBJ_BYTECODE | JS_WRITE_OBJ_STRIP_SOURCE);
    if (!bytecode) {
        report_error(ctx, name);
        return 1;
    }
    if (write_file(argv[3], bytecode, size) != 0) {
        fprintf(stderr, "zigttp-qjsc: cannot write %s\n", argv[3]);
        return 2;
    }
    return 0;
}
