// GT2xxx: the checker (names, types, maps, calls, formats, Go values). Rows of the diagnostics
// catalog (see index.ts). Numbers are grouped by topic; before taking a gap, check index.ts's
// `retired` (GT2030 is gone for good).

const ARG_REGS = 'arg0..arg8 give the raw integer argument registers (RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11)';

export const checkCodes = {
  // ---- names and where they may be used ----
  GT2001: { severity: 'error', message: "Unknown identifier: '{name}'" },
  GT2002: { severity: 'error', message: 'Undefined variable: {name}' },
  GT2003: { severity: 'error', message: '{name} is only available in uprobe and uretprobe blocks' },
  GT2004: { severity: 'error', message: "Unknown function: '{name}'" },
  GT2005: { severity: 'error', message: 'retval exists only where a call returns' },
  GT2010: { severity: 'error', message: '{fn}() is not supported yet' },
  GT2011: { severity: 'error', message: 'uprobe and {other} specs cannot share a block', hint: 'give each its own block' },
  // ---- calls: where they go and how many arguments ----
  GT2020: { severity: 'error', message: '{fn}() must be assigned to a map' },
  GT2021: { severity: 'error', message: '{fn}() can only be assigned to a map, not to a variable' },
  GT2022: { severity: 'error', message: '{fn}() cannot be used with {op}' },
  GT2023: { severity: 'error', message: '{fn}() takes {expected}, found {count}' },
  GT2024: { severity: 'error', message: 'lhist() min, max and step must be integer literals' },
  GT2025: { severity: 'error', message: 'lhist() min must be less than max (provided min {min} and max {max})' },
  GT2026: {
    severity: 'error',
    message: '{name} holds {kind}() and cannot be used as a value',
    hint: 'aggregations are read in user space: print({name})',
  },
  GT2027: { severity: 'error', message: '{name} alone does nothing in a probe', hint: 'print it: print({name})' },
  GT2028: { severity: 'error', message: '{fn}() is a statement and has no value' },
  GT2029: { severity: 'error', message: 'Undefined map: {name}' },
  GT2031: { severity: 'error', message: '{fn}() takes at most 1 argument' },
  GT2032: { severity: 'error', message: 'print() takes a map, or a value' },
  GT2033: { severity: 'error', message: '{fn}() takes one map, e.g. {fn}(@m)' },
  GT2034: { severity: 'error', message: 'delete() takes one map element, e.g. delete(@m[k])' },
  // ---- maps keep one layout ----
  GT2035: { severity: 'error', message: 'lhist() step must be >= 1 ({step} provided)' },
  GT2036: { severity: 'error', message: 'lhist() step is too large for the given range (provided step {step} for range {range})' },
  GT2037: { severity: 'error', message: 'lhist() too many buckets, must be <= 1000 (would need {buckets})' },
  GT2040: { severity: 'error', message: '{name} used with {keys} here but {count} elsewhere' },
  GT2041: { severity: 'error', message: '{name} holds {before} elsewhere, {now} here', hint: 'a map keeps one type of value' },
  GT2042: { severity: 'error', message: '{name} holds {before} and cannot be assigned {now}' },
  GT2043: {
    severity: 'error',
    message: 'ustack can be a map key or printed, not stored as a map value',
    hint: '@s[ustack] = count()',
  },
  GT2044: { severity: 'error', message: "{name}'s key {index} is {now} here but {before} elsewhere" },
  GT2045: { severity: 'error', message: '{name} is an lhist() with other bounds elsewhere' },
  // ---- operators and types ----
  GT2050: { severity: 'error', message: 'division by zero' },
  GT2060: { severity: 'error', message: 'cannot use {op} on {type}' },
  GT2061: { severity: 'error', message: '{what} must be an integer, not {type}' },
  GT2062: { severity: 'error', message: "a ternary's branches must be integers, not {type}" },
  GT2063: { severity: 'error', message: 'cannot cast {type} to {target}' },
  // ---- printf-style formats ----
  GT2070: { severity: 'error', message: '{fn}() needs a format string' },
  GT2071: { severity: 'error', message: "{fn}()'s first argument must be a string literal" },
  GT2072: { severity: 'error', message: "invalid conversion '{conv}' in format" },
  GT2073: { severity: 'error', message: '{fn}() format has {convs} but {args}' },
  GT2074: { severity: 'error', message: "'{conv}' wants {wanted}, argument {index} is {type}" },
  GT2075: { severity: 'error', message: "width or precision {value} in '{conv}' is over the limit of {limit}" },
  GT2076: {
    severity: 'error',
    message: "execv()'s first argument must be the program, a string literal",
    hint: 'execv("/bin/echo", args.s): each further argument is one argv element, never shell syntax',
  },
  // ---- options and arguments ----
  GT2080: { severity: 'error', message: "{fn}() runs with gotrace's privileges and needs --unsafe" },
  GT2090: {
    severity: 'error',
    message: '${index} is not set: the script got {args}',
    hint: 'give arguments after --: gotrace script.gt -- 42 main',
  },
  GT2091: {
    severity: 'error',
    message: '${index} is {value}, which does not fit in 64 bits',
    hint: 'integers are 64-bit: from -9223372036854775808 to 18446744073709551615',
  },
  // ---- limits of the generated program ----
  GT2150: {
    severity: 'error',
    message: 'this probe needs more than {max} bytes of scratch space for its map keys, string values and comparisons ({used} so far)',
    hint: 'use fewer or shorter strings in one probe (a smaller --strlen), or split the probe',
  },
  GT2151: {
    severity: 'error',
    message: 'this probe compiles to {insns} BPF instructions; a BPF jump spans at most {max}',
    hint: 'split the probe, or make it smaller: fewer unroll() iterations, strings or map keys (a smaller --strlen)',
  },
  // ---- Go values (args.NAME, rets.NAME, retval, fields, indexes) ----
  GT2100: { severity: 'error', message: '{name} is read by name: {name}.NAME' },
  GT2101: { severity: 'error', message: '{type} has no field {field}' },
  GT2102: { severity: 'error', message: '{type} is a composite value: read a field or an element, or use {readers}' },
  GT2103: { severity: 'error', message: '{fn}() of {type} is not defined' },
  GT2104: { severity: 'error', message: '{type} values cannot be printed yet' },
  GT2105: { severity: 'error', message: "{func} has no {what} '{name}'" },
  GT2106: { severity: 'error', message: 'cannot place {name} of {func}: {reason}' },
  GT2107: {
    severity: 'error',
    message: '{name} is passed in floating-point registers, which uprobes cannot read',
    hint: 'the kernel saves only integer registers for a uprobe',
  },
  GT2108: { severity: 'error', message: 'cannot select .{field} through {type}' },
  GT2109: { severity: 'error', message: 'cannot index {type}' },
  GT2120: { severity: 'error', message: 'Go values exist only in uprobe and uretprobe blocks' },
  GT2121: { severity: 'error', message: 'not a Go value: write args.NAME, rets.NAME or retval' },
  GT2122: {
    severity: 'error',
    message: "'{name}' does not have one type in all the functions this probe matches ({funcs})",
    hint: 'read a value that has one type in all of them (rets.error: the error result), or probe one function',
  },
  GT2123: { severity: 'error', message: '{type} values cannot be read yet (floating point)' },
  GT2124: { severity: 'error', message: "the type of this value is not described by the binary's DWARF" },
  GT2125: { severity: 'error', message: '{type} is {size} bytes, more than print() captures ({max}): print its fields' },
  GT2127: { severity: 'error', message: 'no DWARF description of {func}', hint: ARG_REGS },
  GT2129: {
    severity: 'error',
    message: 'no Go type {type} in {path}',
    hint: "a cast names a type by its full Go name (*net/http.Request); types come from the binary's DWARF or debug file (--debug-file), else from its type descriptors, which hold the types the program uses",
  },
  GT2128: {
    severity: 'error',
    message:
      "{path} has no DWARF (stripped?) and its type descriptors do not give {func}'s signature: Go values need its debug information",
    hint: 'give the DWARF of this build with --debug-file FILE (an unstripped build, or objcopy --only-keep-debug), or install it under /usr/lib/debug/.build-id; arg0..arg8 give the raw integer argument registers',
  },
  GT2301: {
    severity: 'error',
    message: 'no function that {spec} matches returns an error, and this probe reads rets.error',
    hint: 'rets.error is the result of type error: match functions that return one',
  },
  GT2302: {
    severity: 'warning',
    message: '{count} functions that {spec} matches return no error and are not traced by this probe (it reads rets.error): {funcs}',
  },
  // ---- go: provider (compiler/go/goruntime.ts) ----
  GT2200: { severity: 'error', message: "no go: probe '{name}'", hint: 'go: probes: {probes} (gotrace -l "go:*")' },
  GT2201: { severity: 'error', message: "go:{probe} has no field '{field}'" },
  GT2202: {
    severity: 'error',
    message: 'args.{field} is not the same field in every probe of this block ({probes})',
    hint: 'give each probe a block of its own',
  },
  // ---- aggregations, values and output formats (percentiles, tuples, floats) ----
  GT2241: { severity: 'error', message: 'percentile() needs a hist(), lhist() or stats() map, and {name} holds {kind}' },
  GT2242: {
    severity: 'error',
    message: 'percentile() takes two arguments: a map (@h or @h[keys]) and a percentile from 0 to 100',
    hint: 'percentile(@h, 99), or percentile(@h[key], 50)',
  },
  GT2243: { severity: 'error', message: "a tuple can be a map's value or key, or printed; not {use}" },
  GT2244: { severity: 'error', message: 'a tuple holds integers, strings and floats, not {type}' },
  GT2245: {
    severity: 'error',
    message: 'cannot use {op} on a float',
    hint: 'BPF has no floating point: floats are printed (print, %f, %v) and stored in maps, not computed',
  },
  // ---- percentile() as a value (GT2330-2349) ----
  GT2330: {
    severity: 'error',
    message: "percentile()'s percentile must be a constant from 0 to 100, not {what}",
    hint: 'an integer literal or an integer $N: percentile(@h, 99), percentile(@h[key], $1)',
  },
  // ---- functions: reg, signal, ntop, join, buf, ustack, string functions (GT2260-2279) ----
  GT2260: { severity: 'error', message: "unknown register '{name}'", hint: 'x86-64 registers as bpftrace names them: {names}' },
  GT2261: { severity: 'error', message: "{fn}()'s {what} must be a literal" },
  GT2262: { severity: 'error', message: "unknown signal '{name}'", hint: 'a name such as SIGUSR1 or USR1, or a number from 1 to 64' },
  GT2263: {
    severity: 'error',
    message: '{fn}() acts on the traced process and works only in uprobe and uretprobe blocks',
  },
  GT2264: { severity: 'error', message: 'ntop() of {type}: it takes an integer, a net.IP or a netip.Addr' },
  GT2265: { severity: 'error', message: 'join() of {type}: it takes a Go []string' },
  GT2266: { severity: 'error', message: 'buf() of {type}: it takes a pointer and a length, or a Go string or []byte' },
  GT2267: { severity: 'error', message: "'%r' prints buf() values, argument {index} is {type}" },
  GT2268: {
    severity: 'error',
    message: 'ustack() takes a mode (bpftrace or raw), a depth from 1 to 1024, or both',
    hint: 'ustack, ustack(8), ustack(raw), ustack(raw, 8)',
  },
  GT2269: { severity: 'error', message: '{what} must be a string, not {type}' },
  GT2270: { severity: 'error', message: 'a buf() value prints with %r, not {conv}' },
  GT2271: {
    severity: 'error',
    message: 'strcontains() of these strings takes up to {steps} steps, more than the {limit} the kernel verifier allows',
    hint: 'search for a literal, or lower --strlen',
  },
  // ---- tracepoint blocks (ktrace) ----
  GT2220: {
    severity: 'error',
    message: 'args.FIELD reads a tracepoint record: every probe of this block must be a tracepoint, not {spec}',
    hint: 'give the {spec} probe a block of its own',
  },
  GT2221: { severity: 'error', message: "tracepoint {tracepoint} has no field '{field}'" },
  GT2222: {
    severity: 'error',
    message: 'args.{field} differs between the tracepoints of this block: {a} and {b}',
    hint: 'the tracepoints of a block share one program: give them blocks of their own, or read fields they share',
  },
  GT2223: { severity: 'error', message: 'args.{field} is an array of {type}: only integers, pointers and strings are read' },
  GT2224: {
    severity: 'error',
    message: '{name} in a {kind} block needs the traced process: give -p PID or -c CMD',
    hint: "a kernel event's goroutine comes from the thread's g, read with the target binary's goroutine layout",
  },
  GT2225: { severity: 'error', message: '$target is the traced process (-p/-c): it cannot be assigned' },
  GT2226: {
    severity: 'error',
    message: '{name} is only available in blocks that run on a thread: uprobe, uretprobe, tracepoint and profile',
  },
  // ---- maps kept in user space: keyed by Go values only user space can spell (GT2350-2369) ----
  GT2350: {
    severity: 'error',
    message: '{name} is kept in user space (its key {index} is a Go {type}, spelled only in user space): a probe cannot read it',
    hint: 'print({name}) shows it; to read it in a probe, key it by what BPF holds (an integer, a string field, str(), len())',
  },
  GT2351: {
    severity: 'error',
    message: '{op} reads {name} in the probe, but it is kept in user space (its key {index} is a Go {type})',
    hint: 'aggregate instead: {name}[...] = count(), or sum(x)',
  },
  // ---- config = { ... } (GT2370-2379) ----
  GT2370: { severity: 'error', message: "unknown config setting '{key}'", hint: 'gotrace knows: {known}' },
  GT2371: { severity: 'error', message: '{key} is one of {choices}, not {value}' },
  GT2372: { severity: 'error', message: '{key} is set twice', hint: 'the other setting is at {at}' },
} as const;
