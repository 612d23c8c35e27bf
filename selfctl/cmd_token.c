/* cmd_token.c — `selfctl token create`: bootstrap a token for a user
 * (e.g. the first admin) without going through the API. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "status.h"
#include "token_store.h"

int cmd_token_create(struct cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return usage_of("token", "create", 0);
    const char *user = opt_take(argc, argv, "--user");
    const char *name = opt_take(argc, argv, "--name");
    if (!user)
        return missing("token", "create", "--user USER");
    struct db_conn db;
    if (cli_open_db(c, argc, argv, &db) != OK)
        return 1;
    if (args_done(argc, argv) != OK) {
        db_close(&db);
        return 2;
    }
    char uuid[UUID_STRLEN + 1], secret[TOKEN_MAX], err[1024];
    int rc = 0;
    if (token_store_find_user(&db, user, uuid, err, sizeof err) != OK ||
        token_store_create(&db, uuid, name ? name : "selfctl", secret, NULL, err, sizeof err) != OK)
        rc = fail("%s", err);
    else
        printf("%s\n", secret); /* alone on stdout, for scripts */
    db_close(&db);
    return rc;
}
