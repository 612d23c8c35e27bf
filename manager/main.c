/* main.c — selfpmgr, the program manager. It will schedule routines and
 * route webhooks to workers (issue: programs end to end). Until then it
 * answers --help/--version and refuses to start, rather than pretending. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("selfpmgr %s\n", SELFHOST_VERSION);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: selfpmgr [-c FILE]\n  Program manager (not implemented yet).\n");
        return 0;
    }
    fprintf(stderr, "selfpmgr: the program manager is not implemented yet\n");
    return 1;
}
