/* stdlib_log.c — the selfhost set's log module: log.info(format, args...)
 * and log.error(format, args...) hand one line, formatted Tengo's way, to
 * the host's log callback (host.h) with its level. The reference sends
 * log.error at level info; here it is "error". */
#include <string.h>

#include "format.h"
#include "host.h"
#include "modules.h"
#include "status.h"
#include "stdlib_args.h"
#include "vm.h"

static int log_line(struct tg_vm *vm, const char *level, struct tg_value *a, int n,
                    struct tg_value *ret)
{
    if (n == 0)
        return tg_arg_count_error(vm, level);
    if (a[0].type != TG_STRING)
        return tg_arg_named_type_error(vm, level, "format", "string", a[0]);
    buf_t s = BUF_INIT;
    if (n == 1)
        buf_append(&s, TG_STR(a[0])->data, TG_STR(a[0])->len);
    else
        tg_format(&s, TG_STR(a[0])->data, TG_STR(a[0])->len, a + 1, n - 1);
    if (s.len > TG_MAX_STRING_LEN) {
        buf_free(&s);
        return tg_vm_errorf(vm, "exceeding string size limit");
    }
    const struct tg_host *h = vm->host;
    if (h && h->log)
        h->log(h->log_ctx, level, s.data ? s.data : "", s.len);
    buf_free(&s);
    *ret = tg_undefined();
    return OK;
}

static int log_info(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return log_line(vm, "info", a, n, ret);
}

static int log_error(struct tg_vm *vm, struct tg_value *a, int n, struct tg_value *ret)
{
    return log_line(vm, "error", a, n, ret);
}

static const struct tg_builtin funcs[] = {
    { "info", log_info, NULL },
    { "error", log_error, NULL },
};

const struct tg_module tg_mod_log = { "log", funcs, TG_NELEMS(funcs), NULL, 0, NULL, 0, NULL };
