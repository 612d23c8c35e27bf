/* commands.h — every selfctl command, one function each. */
#ifndef SELFCTL_COMMANDS_H
#define SELFCTL_COMMANDS_H

#include "cli.h"

int cmd_db_migrate(struct cli *c, int argc, char **argv);
int cmd_domain_add(struct cli *c, int argc, char **argv);
int cmd_domain_list(struct cli *c, int argc, char **argv);
int cmd_domain_remove(struct cli *c, int argc, char **argv);
int cmd_primus_init(struct cli *c, int argc, char **argv);
int cmd_token_create(struct cli *c, int argc, char **argv);
int cmd_config_show(struct cli *c, int argc, char **argv);
int cmd_config_import(struct cli *c, int argc, char **argv);
int cmd_pmgr_status(struct cli *c, int argc, char **argv);
int cmd_program_compile(struct cli *c, int argc, char **argv);
int cmd_program_run(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);

#endif
