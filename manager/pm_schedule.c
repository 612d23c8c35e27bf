/* pm_schedule.c — when routines run. A routine's schedule is a cron
 * expression with seconds or a descriptor (common/cron.h reads it exactly
 * as the reference's scheduler does). A routine that is still queued or
 * running when its time comes again is not started twice: that activation
 * is skipped and the next one computed from now, so a slow routine runs
 * back to back at worst, never piles up. */
#include "log.h"
#include "manager.h"
#include "status.h"

#define PM_SCHEDULE_IDLE_US (1000000LL) /* longest sleep without a due routine */

void pm_schedule_program(struct pm_program *p, int64_t now_us)
{
    int64_t next;
    if (cron_spec_next(&p->spec, now_us, &next) != OK) {
        p->next_run_us = 0;
        log_warn("routine %s (%s): its schedule never matches; it will not run", p->uuid,
                 p->name);
        return;
    }
    p->next_run_us = next;
}

int64_t pm_schedule_run(struct pm *pm)
{
    int64_t now = clock_real_us();
    int64_t wait = PM_SCHEDULE_IDLE_US;
    for (size_t i = 0; i < pm->ndomains; i++) {
        struct pm_domain *d = &pm->domains[i];
        for (size_t k = 0; k < d->nprograms; k++) {
            struct pm_program *p = &d->programs[k];
            if (p->webhook || p->next_run_us == 0)
                continue;
            if (p->next_run_us <= now) {
                if (p->busy)
                    log_info("routine %s (%s): still running, skipping this activation",
                             p->uuid, p->name);
                else {
                    int status;
                    const char *why;
                    if (pm_job_new(pm, d, p, NULL, NULL, &status, &why))
                        p->busy = true;
                }
                pm_schedule_program(p, now);
            }
            if (p->next_run_us && p->next_run_us - now < wait)
                wait = p->next_run_us - now;
        }
    }
    return wait < 0 ? 0 : wait;
}
