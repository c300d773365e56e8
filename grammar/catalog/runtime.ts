// GT5xxx: the CLI and the kernel (GT50xx, GT51xx), the REPL (GT56xx). Rows of the diagnostics
// catalog (see index.ts).

export const runtimeCodes = {
  // ---- CLI: files, processes, commands ----
  GT5001: { severity: 'error', message: 'cannot read {file}: {reason}' },
  GT5002: { severity: 'error', message: 'no process with pid {pid}' },
  GT5003: { severity: 'error', message: 'cannot read the binary of process {pid} ({binary})', hint: 'are you root?' },
  GT5004: { severity: 'error', message: '-c needs a command' },
  GT5005: { severity: 'error', message: 'command not found: {command}' },
  GT5006: { severity: 'error', message: 'cannot write {file}: {reason}' },
  GT5007: { severity: 'error', message: 'no binary to list: give uprobe:PATH:PATTERN, a PATH, -p PID or -c CMD' },
  GT5008: { severity: 'error', message: '{tid} is a thread of process {pid}{comm}, not a process', hint: 'trace the process: -p {pid}' },
  GT5009: {
    severity: 'error',
    message: '{mismatch}: nothing attached',
    about:
      'the binary the probes were resolved in is not the one that runs: the -p process runs another file, or the file at the path was replaced or written since it was analyzed (probe sites are offsets in that file)',
    hint: 'run gotrace again on the binary that runs',
  },
  GT5010: {
    severity: 'error',
    message: 'cannot serve metrics on {address}: {reason}',
    hint: 'is another process listening there? pick a free port',
  },
  GT5011: {
    severity: 'error',
    message: 'labels: {reason}',
    about: 'a `// labels: @map[name, ...]` comment line does not fit the map (read with --prometheus or --otlp)',
  },
  // ---- kernel ----
  GT5100: {
    severity: 'error',
    message: '{reason}',
    about: 'libbpf or the kernel refused to open, load or attach the BPF program (the reason says which)',
  },
  // ---- REPL: statements at the prompt ----
  // ---- maps kept in user space (GT5340-5359) ----
  GT5340: {
    severity: 'error',
    message: '{name} is keyed by a Go value spelled in user space: the REPL does not keep such maps yet',
    hint: 'run the script with gotrace -e or a file; in the REPL, key it by what BPF holds (str(), len(), a field)',
  },
  GT5601: { severity: 'error', message: 'unknown map {name}' },
  GT5602: {
    severity: 'error',
    message: '{name} already holds {before}, not {now}',
    hint: 'clear({name}) once no probe uses it, and the name is free again',
  },
  GT5603: { severity: 'error', message: 'map names starting with @__ are reserved for the REPL' },
  GT5604: {
    severity: 'error',
    message: 'only print(), clear(), zero(), delete() and @map run at the prompt',
    hint: 'anything else belongs in a probe: uprobe:main.f { ... }',
  },
  GT5605: { severity: 'error', message: 'keys at the prompt must be constants', hint: 'write the key itself: @m[42]' },
  GT5606: { severity: 'error', message: '{name} has {keys}, {count} given' },
  GT5607: { severity: 'error', message: '{name} has no entry {key}' },
  GT5611: { severity: 'error', message: 'no probe to attach' },
  GT5612: { severity: 'error', message: "unexpected '}': no block is open" },
  GT5613: { severity: 'error', message: '{fn}() at the prompt takes one map: {usage}' },
  GT5614: { severity: 'error', message: '{fn}() acts on a whole map: {usage}' },
  GT5615: { severity: 'error', message: "{name}'s keys are {kinds}" },
  // ---- REPL: dot commands ----
  GT5620: { severity: 'error', message: 'no target binary', hint: 'start with -p PID, -c CMD or a PATH, or use .target' },
  GT5621: { severity: 'error', message: 'usage: .detach ID|all' },
  GT5622: { severity: 'error', message: 'no probe {id}' },
  GT5623: { severity: 'error', message: 'usage: .args FUNC' },
  GT5625: { severity: 'error', message: 'probes are attached to the current target', hint: '.detach all first' },
  GT5626: { severity: 'error', message: 'no such file: {path}' },
  GT5627: { severity: 'error', message: 'usage: .load FILE.gt' },
  GT5628: { severity: 'error', message: 'usage: .save FILE.gt' },
  GT5629: { severity: 'error', message: 'unknown command .{command}', hint: '.help lists the commands' },
  GT5630: { severity: 'error', message: 'the target exited: use .target', hint: '{target} {how}; .target PID|PATH traces another process' },
  GT5631: { severity: 'error', message: '{file} is already loaded (probes {ids})', hint: '.detach {ids} first, then .load it again' },
  GT5632: {
    severity: 'error',
    message: 'no help for {name}',
    hint: '.help lists the commands; .help NAME knows builtins, functions, probe kinds and .commands',
  },
  GT5633: { severity: 'error', message: 'usage: .types NAME' },
  GT5635: { severity: 'error', message: 'usage: .watch @MAP [SECONDS] [top N]' },
  GT5280: {
    severity: 'error',
    message: '.graph: {reason}',
    hint: "usage: .graph FUNC [--under PATTERNS] [--min 10ms] [--max-trees N] [--sample N] [--show 'FUNC: EXPR'] [--depth N]",
  },
  GT5634: { severity: 'error', message: 'no type {name} in {path}', hint: 'a package-qualified name: main.Server, net/http.Request' },
} as const;
