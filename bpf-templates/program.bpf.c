/* Skeleton of every generated program. The code generator replaces the two insertion markers;
 * left as is, the file still compiles (a program with no probes), which `npm test` checks. */
#include "gotrace.bpf.h"

/* @@GOTRACE_MAPS@@ */

/* @@GOTRACE_PROGRAMS@@ */

char LICENSE[] SEC("license") = "GPL";
