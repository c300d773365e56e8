// GT3xxx: the target binary and probe resolution; GT4xxx: building the BPF object with clang.
// Rows of the diagnostics catalog (see index.ts).

export const binaryCodes = {
  GT3001: {
    severity: 'error',
    message: 'no binary to resolve {func} in',
    hint: 'name it in the probe (uprobe:/path/to/app:{func}), or trace a process with -p PID or -c CMD',
  },
  GT3002: {
    severity: 'error',
    message: '{path}: {reason}',
    about: 'the target binary cannot be used: missing, unreadable, not ELF, not x86-64, not Go',
  },
  GT3003: { severity: 'error', message: 'all probes of a script must trace one binary ({first} and {second})' },
  GT3004: {
    severity: 'error',
    message: "no function in {path} matches '{pattern}'",
    hint: "list candidates with: gotrace -l '{type}:{glob}'",
  },
  GT3190: {
    severity: 'warning',
    message: "no function matches '{pattern}': left out (missing_probes)",
    hint: "the script's config sets missing_probes: the spec is left out, and a block with no spec left goes too",
  },
  GT3191: {
    severity: 'error',
    message: 'no probe left: every function spec of the script matches nothing (missing_probes)',
  },
  GT3005: {
    severity: 'error',
    message: '{func} has no RET instruction (it never returns, or leaves by a tail jump): its returns cannot be traced',
  },
  GT3006: { severity: 'warning', message: '{func} can also leave by a tail jump; those returns are not seen' },
  GT3007: {
    severity: 'error',
    message: 'the script matches {count} functions, more than {max} (--max-functions)',
    hint: 'narrow the wildcards, or raise --max-functions',
  },
  GT3010: {
    severity: 'error',
    message: '{path}: {reason}',
    about: 'where goroutine ids live in this binary is unknown (no DWARF for runtime.g, Go release not in the table)',
  },
  GT3011: { severity: 'error', message: 'no function {name} in {path}', hint: 'look for it with .funcs {short}' },
  GT3012: {
    severity: 'warning',
    message:
      '{func} is also inlined at {sites} (in {callers}): traced there as entries, where arguments, results and the duration do not exist',
    about: 'an inlined call has no call of its own; its site in the caller runs the block',
  },
  GT3013: {
    severity: 'warning',
    message: '{sites} of {func} not traced (in {callers}): the block needs {why}, which an inlined call does not have',
    hint: 'a block that reads nothing of the call (a count, goid, pid, comm) runs at inlined calls too; or build the target with -gcflags=-l',
  },
  GT3014: {
    severity: 'warning',
    message: '{path}: {reason}',
    hint: 'goid and the pairing of returns are wrong if the goroutine layout changed in that release',
    about: 'the goroutine layout was guessed: a Go release newer than the layout table, or DWARF that could not be read',
  },
  GT3015: {
    severity: 'warning',
    message:
      "{count} of the {matched} functions matching '{pattern}' have no RET instruction (they never return, or leave by a tail jump): their returns are not traced: {names}",
    about: 'one warning for all the functions a wildcard matches that cannot be traced at return; they are skipped (-v names them all)',
  },
  GT3016: {
    severity: 'warning',
    message:
      "{count} of the {matched} functions matching '{pattern}' are also inlined ({sites} in all): traced there as entries, where arguments, results and the duration do not exist: {names}",
    about: 'one warning for all the functions a wildcard matches that are also inlined (GT3012 for each, -v names them all)',
  },
  GT3017: {
    severity: 'warning',
    message:
      "{count} of the {matched} functions matching '{pattern}' are also inlined ({sites} in all), not traced there: the block needs {why}, which an inlined call does not have: {names}",
    hint: 'a block that reads nothing of the call (a count, goid, pid, comm) runs at inlined calls too; or build the target with -gcflags=-l',
    about: 'one warning for all the functions a wildcard matches whose inlined calls the block cannot run at (GT3013 for each)',
  },
  // ---- go: provider ----
  GT3100: {
    severity: 'error',
    message: 'go:{probe} hooks {func}, which {path} ({release}) does not have',
    hint: 'go: probes support Go 1.17 to 1.27; gotrace -l "go:*" -p PID lists what this binary supports',
  },
  GT3101: {
    severity: 'warning',
    message: "{path}: the runtime's {table} were not found in the binary: args.reason reads as an empty string",
  },
  GT3102: {
    severity: 'warning',
    message: '{path} ({release}) has no DWARF and the m.p offset of its release is not known: args.p reads -1',
  },
  // ---- call graphs (--graph, .graph) ----
  GT3150: {
    severity: 'error',
    message: "no function in {path} that returns matches {what} '{pattern}'",
    hint: "list candidates with: gotrace -l 'uprobe:{glob}' {path}",
  },
  GT3151: {
    severity: 'warning',
    message: '{count} traced functions are also inlined ({sites} call sites, such as {names}): those calls are not in the graphs',
    hint: 'build the target with -gcflags=-l to see every call',
  },
  GT3152: {
    severity: 'warning',
    message: '{count} matching functions have names uprobe: cannot write and are left out: {names}',
  },
  // ---- build ----
  GT4001: { severity: 'error', message: 'clang not found', hint: 'install it: apt-get install clang (or run npm run setup)' },
  GT4002: {
    severity: 'error',
    message: 'clang failed to compile the generated BPF program (a gotrace bug)',
    hint: 'run with -v to see the generated C',
  },
  // ---- tracepoints (ktrace) ----
  GT3120: {
    severity: 'error',
    message: 'cannot read tracepoints: {reason}',
    hint: 'as root: mount -t tracefs nodev /sys/kernel/tracing',
  },
  GT3121: { severity: 'error', message: 'no tracepoint matches {tracepoint}', hint: "gotrace -l '{pattern}' lists them" },
} as const;
