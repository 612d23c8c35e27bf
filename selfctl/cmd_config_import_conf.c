/* cmd_config_import_conf.c — selfhost.conf (its head and [server]; the
 * [rate_control] lines come from cmd_config_import_aapije.c) and the
 * writing of the three outputs, never over an existing file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_config_import.h"
#include "status.h"

static const char *const ROLE_NAME[N_ROLES] = { "aapije", "domain file", "juvuln", "malgomaj" };

static int write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return fail("cannot write %s: %s", path, strerror(errno));
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(path);
            return fail("cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0)
        return fail("cannot write %s: %s", path, strerror(errno));
    return 0;
}

void import_conf_begin(struct import *im, const yaml_node_t *df, const char *dfname)
{
    im->conf.len = 0;
    buf_printf(&im->conf, "# selfhost.conf — written by `selfctl config import` from the reference's\n"
                          "# configuration:\n");
    for (int r = 0; r < N_ROLES; r++)
        if (im->path[r])
            buf_printf(&im->conf, "#   %-12s %s\n", ROLE_NAME[r], im->path[r]);
    buf_puts(&im->conf, "# Only settings that differ from selfhost's defaults are written; every key\n"
                        "# and its value: `selfctl config show`, docs/configuration.md. The listen\n"
                        "# address and CORS went to nginx-selfhost.conf: the web server does them.\n\n");
    buf_puts(&im->conf, "[server]\n");
    if (dfname) {
        char w[300];
        import_where(im, R_AAPIJE, df, w, sizeof w);
        buf_printf(&im->conf, "# the reference's domainfile %s (%s), converted\n", dfname, w);
    } else if (im->path[R_DOMAINS]) {
        buf_printf(&im->conf, "# the domains of %s, converted\n", import_base_name(im->path[R_DOMAINS]));
    } else {
        buf_puts(&im->conf, "# the reference had no domainfile: add domains with `selfctl domain add`\n");
    }
    buf_puts(&im->conf, "domainfile = domains.conf\n");
}

int import_write_outputs(struct import *im)
{
    /* outputs: never over an existing file */
    snprintf(im->p_conf, sizeof im->p_conf, "%s/selfhost.conf", im->out_dir);
    snprintf(im->p_dom, sizeof im->p_dom, "%s/domains.conf", im->out_dir);
    snprintf(im->p_ngx, sizeof im->p_ngx, "%s/nginx-selfhost.conf", im->out_dir);
    if (mkdir(im->out_dir, 0755) != 0 && errno != EEXIST)
        return fail("cannot create %s: %s", im->out_dir, strerror(errno));
    const char *outs[] = { im->p_conf, im->p_dom, im->p_ngx };
    for (size_t i = 0; i < 3; i++)
        if (access(outs[i], F_OK) == 0)
            return fail("%s exists: not overwritten (move it away or give another --out)", outs[i]);

    buf_t ngx = BUF_INIT;
    import_write_nginx(im, &ngx);
    int rc = write_file(im->p_conf, buf_cstr(&im->conf), 0640);
    if (rc == 0)
        rc = write_file(im->p_ngx, buf_cstr(&ngx), 0644);
    buf_free(&ngx);
    for (size_t i = 0; rc == 0 && i < im->domains.n; i++) {
        char err[1024];
        if (domains_file_add(im->p_dom, im->domains.items[i].name, im->domains.items[i].uri, err,
                             sizeof err) != OK)
            rc = fail("%s", err);
    }
    return rc;
}
