// Wires ReplCore to Node's built-in `repl` module: a custom eval (inputs run one at a time, in
// order), `repl.Recoverable` for unfinished blocks, the dot-commands, TAB completion, the
// history file, and output that arrives on its own printed above the prompt without breaking
// the line being typed.
import readline from 'node:readline';
import repl from 'node:repl';
import { openCached } from '../../compiler/passes/resolve.js';
import { COMMANDS } from './commands.js';
import { complete } from './complete.js';
import { keepHistory } from './history.js';
import { fieldNames } from './gotypes.js';
import { ReplCore, type CoreOptions } from './core.js';
import { diag } from '../../grammar/catalog/index.js';
import { suggest } from '../../compiler/passes/suggest.js';

export const PROMPT = 'gotrace> ';

export interface ReplOptions extends Omit<CoreOptions, 'out'> {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Line editing, completion and history (default: output.isTTY). */
  terminal?: boolean;
  /** History file; undefined or '' keeps no history. */
  historyFile?: string;
  /** Printed before the first prompt. */
  banner?: string;
  /** Commands read from a pipe: no prompts, and exit status 1 when any input failed. */
  pipe?: boolean;
}

export interface ReplSession {
  core: ReplCore;
  server: repl.REPLServer;
  /** Resolves with the exit status once the REPL has closed and everything is released. */
  done: Promise<number>;
  /** Resolves when the history is loaded and the first prompt shown. */
  ready: Promise<void>;
}

/** The REPL on `opts.input`/`opts.output`, in steps: the output, the core, the input queue,
 *  Node's server, our commands, the history, the exit path, the binary preloaded. */
export function startRepl(opts: ReplOptions): ReplSession {
  const output = opts.output;
  const terminal = opts.terminal ?? !!(output as { isTTY?: boolean }).isTTY;
  const queue = new InputQueue();
  const out = replOutput(output, terminal, queue);
  const tty = output as { rows?: number; columns?: number };
  const core = new ReplCore({ rows: tty.rows, columns: tty.columns, ...opts, out });
  // .watch runs until a key: that key is the watch's, not the next line's.
  if (terminal)
    core.opts.waitKey = () =>
      new Promise<void>((resolve) =>
        opts.input.once('keypress', () =>
          setImmediate(() => {
            Object.assign(s, { line: '', cursor: 0 });
            resolve();
          }),
        ),
      );
  // Pages and histogram bars follow the terminal's size.
  (output as NodeJS.EventEmitter).on?.('resize', () => Object.assign(core.opts, { rows: tty.rows, columns: tty.columns }));
  queue.onError = (e) => {
    core.failures++;
    out.write(`gotrace: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.GOTRACE_DEBUG && e instanceof Error) out.write(`${e.stack}\n`);
  };
  if (opts.banner) output.write(opts.banner);
  let history: { block(input: string): void } | undefined;
  const s = startServer(opts, terminal, core, queue, (input) => history?.block(input));
  queue.holdPrompt(s);
  installCommands(s, core, queue);
  if (opts.historyFile && terminal) history = keepHistory(s, opts.historyFile, output);
  const ready = Promise.resolve();
  const done = new Promise<number>((resolve) =>
    s.on('exit', () => shutdownWhenIdle(core, queue, (status) => resolve(status || (opts.pipe && core.failures ? 1 : 0)))),
  );
  preloadBinary(core);
  return { core, server: s, done, ready };
}

/** Inputs run strictly one after another, whatever the time each takes (a cold compile); the
 *  prompt waits for the queue to drain. */
class InputQueue {
  /** Inputs queued or running: while any runs, output goes out as it is (no prompt shown). */
  busy = 0;
  closed = false;
  server?: repl.REPLServer;
  onError: (e: unknown) => void = () => {};
  private tail: Promise<void> = Promise.resolve();
  private promptWanted = false;
  private realDisplayPrompt?: (preserveCursor?: boolean) => void;

  enqueue(f: () => void | Promise<void>): Promise<void> {
    this.busy++;
    const p = this.tail.then(f).catch((e: unknown) => this.onError(e));
    this.tail = p.finally(() => {
      this.busy--;
      if (!this.busy && this.promptWanted && !this.closed) {
        this.promptWanted = false;
        this.realDisplayPrompt!(false);
      }
    });
    return this.tail;
  }

  /** The server's prompt comes back only once every queued input has run. */
  holdPrompt(s: repl.REPLServer): void {
    this.server = s;
    this.realDisplayPrompt = s.displayPrompt.bind(s);
    s.displayPrompt = (preserveCursor?: boolean) => {
      if (this.closed) return;
      if (this.busy) this.promptWanted = true;
      else this.realDisplayPrompt!(preserveCursor);
    };
  }
}

/** Answers go out as they are; output that arrives on its own goes above the prompt. */
function replOutput(output: NodeJS.WritableStream, terminal: boolean, queue: InputQueue) {
  return {
    write: (s: string) => void output.write(s),
    notify: (s: string) => {
      const server = queue.server;
      if (!server || queue.busy || !terminal) {
        output.write(s);
        return;
      }
      // N.B. a typed line longer than the terminal is wide spans several rows: go up to the
      // prompt's first row and clear from there down, or the rows above stay on screen. Then
      // readline must not go up again when it redraws (prevRows, the rows it thinks it drew
      // above the cursor), or it would draw the prompt over the output just written.
      const rl = server as unknown as { getCursorPos(): { rows: number }; prevRows: number };
      const up = rl.getCursorPos().rows;
      if (up > 0) readline.moveCursor(output, 0, -up);
      readline.cursorTo(output, 0);
      readline.clearScreenDown(output);
      output.write(s);
      rl.prevRows = 0;
      server.displayPrompt(true);
    },
  };
}

/** `read` sees every input read to its end (the history folds a multi-line block). */
function startServer(
  opts: ReplOptions,
  terminal: boolean,
  core: ReplCore,
  queue: InputQueue,
  read: (input: string) => void,
): repl.REPLServer {
  const pending = { text: '' };
  const s = repl.start({
    prompt: opts.pipe ? '' : PROMPT,
    input: opts.input as NodeJS.ReadableStream & { isTTY?: boolean },
    output: opts.output as NodeJS.WritableStream,
    terminal,
    useColors: false,
    ignoreUndefined: true,
    preview: false,
    eval: (cmd: string, _context: unknown, _file: string, cb: (err: Error | null, result?: unknown) => void) => {
      // Answered at once, so that Node's line buffer is right for the very next line (a pasted
      // block arrives in one go): unfinished input continues, anything else is queued and the
      // prompt held back until it has run.
      if (core.classify(cmd) === 'incomplete') {
        pending.text = cmd;
        return cb(new repl.Recoverable(new SyntaxError('unfinished input')));
      }
      pending.text = '';
      read(cmd);
      // Node adds a newline; without it, "end of input" errors point at the last line typed.
      const text = cmd.replace(/\r?\n$/, '');
      void queue.enqueue(() => core.evaluate(text));
      cb(null);
    },
    // The lines of an unfinished block come first: `args.` on its third line belongs to the
    // probe on its first.
    completer: (line: string) => {
      const [words, typed] = complete(pending.text + line, completionSource(core));
      return [words, typed.slice(Math.max(0, typed.length - line.length))] as [string[], string];
    },
  });
  // .break and Ctrl-C abandon the unfinished block.
  const clear = s.clearBufferedCommand.bind(s);
  s.clearBufferedCommand = () => {
    pending.text = '';
    clear();
  };
  return s;
}

/** Node's own commands are about JavaScript; ours replace them (.break stays: it abandons an
 *  unfinished block). */
function installCommands(s: repl.REPLServer, core: ReplCore, queue: InputQueue): void {
  const commands = (s as unknown as { commands: Record<string, unknown> }).commands;
  for (const name of Object.keys(commands)) if (name !== 'break') delete commands[name];
  for (const [name, c] of Object.entries(COMMANDS)) {
    s.defineCommand(name, {
      help: c.help,
      action(rest: string) {
        if (name === 'exit') return s.close();
        void queue.enqueue(() => c.run(core, rest));
        s.displayPrompt();
      },
    });
  }
  // An unknown `.word` would get Node's "Invalid REPL keyword", written at once, before the
  // answers still queued; ours goes through the queue like any other command.
  const unknownCommand = (word: string) => ({
    help: '',
    action(rest: string) {
      const near = suggest(word, [...Object.keys(COMMANDS), 'break']);
      const hint = near ? [`did you mean .${near}?`] : [];
      void queue.enqueue(() => core.report([diag('GT5629', undefined, { command: `${word}${rest ? ' ' + rest : ''}` }, hint)]));
      s.displayPrompt();
    },
  });
  (s as unknown as { commands: Record<string, unknown> }).commands = new Proxy(commands, {
    get: (target, key) => (typeof key !== 'string' || key in target ? Reflect.get(target, key) : unknownCommand(key)),
  });
}

/** After the inputs still queued: detach, print the maps, release; the exit status. */
function shutdownWhenIdle(core: ReplCore, queue: InputQueue, resolve: (status: number) => void): void {
  queue.closed = true;
  void queue.enqueue(() => {
    try {
      core.shutdown();
      resolve(0);
    } catch (e) {
      resolve(1);
      throw e;
    }
  });
}

/** Opening the binary's tables and DWARF up front makes the first probe as quick as the next. */
function preloadBinary(core: ReplCore): void {
  if (!core.target.binary) return;
  const bin = core.target.binary;
  setImmediate(() => {
    try {
      const b = openCached(bin);
      b.gLayout();
      b.func('main.main');
    } catch {
      /* reported when a probe needs it */
    }
  });
}

const functionNames = new WeakMap<object, string[]>();

function completionSource(core: ReplCore) {
  return {
    functions: () => {
      if (!core.target.binary) return [];
      try {
        const bin = openCached(core.target.binary);
        let names = functionNames.get(bin);
        if (!names) {
          names = [...new Set(bin.findFunctions('*').map((f) => f.name))].sort();
          functionNames.set(bin, names);
        }
        return names;
      } catch {
        return [];
      }
    },
    maps: () => [...new Set([...core.mapNames(), ...[...core.probes.values()].flatMap((p) => p.maps)])].sort(),
    probeIds: () => [...core.probes.keys()],
    commands: () => [...Object.keys(COMMANDS), 'break'].sort(),
    params: (func: string) => {
      if (!core.target.binary) return undefined;
      try {
        const ps = openCached(core.target.binary).dwarf()?.functionParams(func);
        if (!ps) return undefined;
        const rets = ps.filter((p) => p.isResult).map((p, i) => (/^~[rb]\d+$/.test(p.name) ? String(i) : p.name));
        return { args: ps.filter((p) => !p.isResult && !p.name.startsWith('~') && !p.name.startsWith('.')).map((p) => p.name), rets };
      } catch {
        return undefined;
      }
    },
    fields: (func: string, kind: 'args' | 'rets', path: string[]) => {
      if (!core.target.binary) return undefined;
      try {
        const ps = openCached(core.target.binary).dwarf()?.functionParams(func);
        const results = ps?.filter((p) => p.isResult) ?? [];
        const param =
          kind === 'args'
            ? ps?.find((p) => !p.isResult && p.name === path[0])
            : (results.find((p) => p.name === path[0]) ?? results[Number(path[0])]);
        return param ? fieldNames(param.type, path.slice(1)) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
