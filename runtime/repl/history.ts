// The REPL's history file (~/.gotrace_history). gotrace runs as root, so the file is handled
// like any path a user may have prepared: opened without following a symlink (a link to a
// root-owned file would make root overwrite it), used only if it is a regular file of this
// user's that no one else may write, and written as a new file (O_EXCL) renamed over the old
// one, so a shorter history never leaves the tail of a longer one behind (Node's own history
// file rewrote in place past 30 entries and fused lines).
//
// Format: a header line, then one JSON string per entry, newest first, so that a probe typed
// over several lines is one entry. A file without the header (Node's format) is read as one
// entry per line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type repl from 'node:repl';

/** Entries kept (the oldest are dropped beyond this). */
export const HISTORY_SIZE = 5000;
const HEADER = '# gotrace history v2';
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/** Why `st` may not be read or replaced as this user's history, or undefined. */
function unsafe(st: fs.Stats): string | undefined {
  if (!st.isFile()) return 'not a regular file';
  if (st.uid !== (process.getuid?.() ?? 0)) return `owned by uid ${st.uid}, not by this user`;
  if (st.mode & 0o022) return `writable by others (mode ${(st.mode & 0o7777).toString(8)})`;
  return undefined;
}

function errno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ELOOP' ? 'a symbolic link' : (code ?? String(e));
}

/** The entries of `file`, newest first ([] when it does not exist), or why it is refused. */
export function loadHistory(file: string): string[] | { refused: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return { refused: `${file} is ${errno(e)}` };
  }
  try {
    const why = unsafe(fs.fstatSync(fd));
    if (why) return { refused: `${file} is ${why}` };
    return parseHistory(fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

export function parseHistory(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== HEADER) return lines.slice(0, HISTORY_SIZE);
  const out: string[] = [];
  for (const l of lines.slice(1)) {
    try {
      const v: unknown = JSON.parse(l);
      if (typeof v === 'string' && v.trim()) out.push(v);
    } catch {
      /* a damaged line is dropped, the rest kept */
    }
  }
  return out.slice(0, HISTORY_SIZE);
}

/** Writes `entries` (newest first) to `file`: refused (returned) if what is there now is not
 *  this user's regular file; written to a new file beside it, then renamed over it. */
export function saveHistory(file: string, entries: readonly string[]): string | undefined {
  try {
    const why = unsafe(fs.lstatSync(file));
    if (why) return `${file} is ${why}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `${file}: ${errno(e)}`;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
  const text = [HEADER, ...entries.slice(0, HISTORY_SIZE).map((e) => JSON.stringify(e))].join('\n') + '\n';
  try {
    const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      fs.writeSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return undefined;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    return `${file}: ${errno(e)}`;
  }
}

/** After a block typed over several lines has been read: its lines, which readline added one
 *  by one (newest first), become one entry. `history` is readline's array, changed in place. */
export function foldBlock(history: string[], input: string): boolean {
  const text = input.replace(/\r?\n$/, '');
  if (!text.includes('\n') || history[0] === text) return false;
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].trim()) continue;
    if (history[0] === lines[i]) history.shift();
  }
  history.unshift(text);
  return true;
}

/** The history file instead of Node's: loaded into readline's list, saved after every line, a
 *  block typed over several lines kept as one entry. A file that is refused disables the
 *  history, with a line saying why. */
export function keepHistory(s: repl.REPLServer, file: string, output: NodeJS.WritableStream): { block(input: string): void } | undefined {
  const rl = s as unknown as { history: string[]; historySize: number };
  const loaded = loadHistory(file);
  const disable = (why: string) => output.write(`gotrace: history disabled: ${why}\n`);
  if (!Array.isArray(loaded)) {
    disable(loaded.refused);
    return undefined;
  }
  rl.historySize = HISTORY_SIZE;
  rl.history.splice(0, rl.history.length, ...loaded);
  let failed = false;
  const save = () => {
    const why = failed ? undefined : saveHistory(file, rl.history);
    if (why) {
      failed = true;
      disable(why);
    }
  };
  s.on('history', save);
  return {
    block(input: string) {
      if (foldBlock(rl.history, input)) save();
    },
  };
}
