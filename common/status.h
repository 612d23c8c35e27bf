/* status.h — the return codes every function in the project uses.
 * A function that fails returns ERROR and reports why through its own
 * channel (an error struct, a request, or an errbuf); results travel
 * through out-parameters. */
#ifndef SELFHOST_STATUS_H
#define SELFHOST_STATUS_H

enum { OK = 0, ERROR = -1 };

#endif
