/* main.c — selfpwrk, the program worker. It will run Tengo programs for the
 * manager (issue: programs end to end). Until then it answers --help and
 * --version and refuses to start, rather than pretending. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("selfpwrk %s\n", SELFHOST_VERSION);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: selfpwrk [-c FILE]\n  Program worker (not implemented yet).\n");
        return 0;
    }
    fprintf(stderr, "selfpwrk: the program worker is not implemented yet\n");
    return 1;
}
