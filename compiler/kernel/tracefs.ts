// The kernel's tracepoints as tracefs describes them: which exist (events/CATEGORY/NAME/), the
// layout of each one's record (its `format` file) and its id. The compiler types `args.FIELD`
// from the format; the runtime attaches by category and name.
//
// N.B. tracefs is not always mounted (these machines boot without it, and debugfs's automount
// at /sys/kernel/debug/tracing is gone with debugfs). gotrace mounts it when it is missing and
// it runs as root, as `mount -t tracefs nodev /sys/kernel/tracing` would; otherwise the error
// says how.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { globMatcher } from '../go/glob.js';

export const TRACEFS = '/sys/kernel/tracing';
const DEBUGFS_TRACING = '/sys/kernel/debug/tracing';

/** How a field's value is read, as bpftrace reads it: an integer of its size and sign, a pointer
 *  (an integer: str() reads the string it points to), a char array (a string), a `__data_loc`
 *  string (its place in the record is in a 32-bit word: offset low 16 bits, length high 16), or
 *  an array of something else (not readable). */
export type FieldKind = 'int' | 'pointer' | 'chars' | 'data_loc' | 'array';

export interface TracepointField {
  name: string;
  /** The C type as the format writes it: `const char *`, `pid_t`, `char[16]`. */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
  kind: FieldKind;
}

export interface TracepointFormat {
  category: string;
  name: string;
  /** Fields after the common header (common_type, common_pid, ...: bpftrace hides them too). */
  fields: TracepointField[];
}

/** Where tracefs is, mounting it first when it is missing (as root); an Error saying why not.
 *  GOTRACE_TRACEFS names another place (a container's), used as is. */
export function tracefsRoot(mount = mountTracefs): string {
  const given = process.env.GOTRACE_TRACEFS;
  if (given) {
    if (fs.existsSync(path.join(given, 'events'))) return given;
    throw new Error(`GOTRACE_TRACEFS=${given} has no events/ folder`);
  }
  for (const dir of [TRACEFS, DEBUGFS_TRACING]) if (fs.existsSync(path.join(dir, 'events'))) return dir;
  mount();
  if (fs.existsSync(path.join(TRACEFS, 'events'))) return TRACEFS;
  throw new Error(`tracefs is not mounted at ${TRACEFS}`);
}

function mountTracefs(): void {
  try {
    execFileSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`tracefs is not mounted at ${TRACEFS} and mounting it failed: ${stderr || (e as Error).message}`, { cause: e });
  }
}

/** `category:name` of every tracepoint whose category and name match the globs, sorted. */
export function findTracepoints(root: string, category: string, name: string): string[] {
  const cat = globMatcher(category);
  const nm = globMatcher(name);
  const out: string[] = [];
  for (const c of readDirs(path.join(root, 'events')).filter(cat))
    for (const n of readDirs(path.join(root, 'events', c)).filter(nm)) out.push(`${c}:${n}`);
  return out.sort();
}

/** The categories, for suggestions. */
export function categories(root: string): string[] {
  return readDirs(path.join(root, 'events'));
}

/** The names in a category, for suggestions. */
export function namesIn(root: string, category: string): string[] {
  return readDirs(path.join(root, 'events', category));
}

function readDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** The format of one tracepoint. */
export function readFormat(root: string, category: string, name: string): TracepointFormat {
  const text = fs.readFileSync(path.join(root, 'events', category, name, 'format'), 'utf8');
  return { category, name, fields: parseFormat(text) };
}

/** The tracepoint's id (what perf_event_open's config names). */
export function tracepointId(root: string, category: string, name: string): number {
  return Number(fs.readFileSync(path.join(root, 'events', category, name, 'id'), 'utf8').trim());
}

const FIELD_LINE = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

/** The fields of a format file's text, the common header left out. */
export function parseFormat(text: string): TracepointField[] {
  const out: TracepointField[] = [];
  for (const line of text.split('\n')) {
    const m = FIELD_LINE.exec(line);
    if (!m) continue;
    const f = parseDecl(m[1]!.trim(), Number(m[2]), Number(m[3]), m[4] === '1');
    if (f && !f.name.startsWith('common_')) out.push(f);
  }
  return out;
}

/** `const char * buf`, `char prev_comm[16]`, `__data_loc char[] name`, `u8 saddr[4]`. */
function parseDecl(decl: string, offset: number, size: number, signed: boolean): TracepointField | undefined {
  const dataLoc = decl.startsWith('__data_loc ');
  const d = dataLoc ? decl.slice('__data_loc '.length) : decl;
  const m = /^(.*?)\s*\b(\w+)\s*(\[\s*\w*\s*\])?$/.exec(d);
  if (!m) return undefined;
  const base = m[1]!.replace(/\[\s*\]$/, '').trim();
  const array = m[3] !== undefined || /\[\s*\]$/.test(m[1]!);
  const charLike = /^((un)?signed\s+)?char$|^u?8$|^__u8$/.test(base) && /char/.test(base);
  const type = array ? `${base}[${m[3]?.replace(/[[\]\s]/g, '') ?? ''}]` : base;
  let kind: FieldKind = 'int';
  if (dataLoc) kind = charLike ? 'data_loc' : 'array';
  else if (array) kind = charLike ? 'chars' : 'array';
  else if (base.includes('*')) kind = 'pointer';
  return { name: m[2]!, type, offset, size, signed, kind };
}
