/* cmd_config.c — `selfctl config show`: the effective settings. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "status.h"

static void print_line(const char *line, void *ctx)
{
    (void)ctx;
    printf("%s\n", line);
}

int cmd_config_show(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("config", "show", 0);
    if (args_done(argc, argv) != OK)
        return 2;
    if (cli_config(c) != OK)
        return 1;
    printf("# file: %s\n", *c->cfg.path ? c->cfg.path : "(none, defaults)");
    config_dump(&c->cfg, print_line, NULL);
    return 0;
}
