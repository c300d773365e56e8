// The compile cache. gotrace runs as root and loads what it finds here into the kernel, so a
// cache is used only when nobody but root and this user can have written any of it:
//
// - every component of its path, from /, is a real directory (no symlink anywhere: a symlink
//   through /proc/PID/root can show another mount namespace's "root-owned 0755" folder whose
//   files a user controls), owned by root or this user, and not group/world writable (a sticky
//   /tmp-like folder is refused too: it still lets others create names in it);
// - every object carries an HMAC whose key lives outside the cache folder, in a 0600 file of
//   this user's, so an object planted under the right name, by whatever way, is not loaded.
//
// A cache that fails a check is simply not used (objects are compiled with clang; -v says why,
// once), never an error for the user. The key of an object is its C text, the templates and
// clang's identity (resolved path, size, mtime): a cache hit runs no process at all.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templatesDir } from './paths.js';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
const MAGIC = Buffer.from('GTC1');
const MAC_SIZE = 32;

/** Why a path cannot be trusted, or undefined when it can. Missing directories are created
 *  (0700) when `create` is set, one component at a time, each checked like the others. */
export function untrustedReason(dir: string, create: boolean): string | undefined {
  if (!path.isAbsolute(dir)) return `${dir} is not an absolute path`;
  const me = process.getuid?.() ?? 0;
  let cur = '/';
  for (const part of ['', ...path.normalize(dir).split('/').filter(Boolean)]) {
    cur = path.join(cur, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return `${cur}: ${(e as NodeJS.ErrnoException).code}`;
      try {
        // N.B. mkdir never follows a symlink at its last component: if one appears here in the
        // meantime, mkdir fails with EEXIST and the lstat below sees the link.
        fs.mkdirSync(cur, { mode: 0o700 });
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') return `${cur}: ${(e2 as NodeJS.ErrnoException).code}`;
      }
      st = fs.lstatSync(cur);
    }
    const why = unsafeDirectory(cur, st, me);
    if (why) return why;
  }
  return undefined;
}

function unsafeDirectory(p: string, st: fs.Stats, me: number): string | undefined {
  if (st.isSymbolicLink()) return `${p} is a symbolic link`;
  if (!st.isDirectory()) return `${p} is not a directory`;
  if (st.uid !== 0 && st.uid !== me) return `${p} is owned by uid ${st.uid}`;
  if (st.mode & 0o022) return `${p} is writable by others (mode ${(st.mode & 0o7777).toString(8)})`;
  return undefined;
}

/** The cache folder asked for: $GOTRACE_CACHE, $XDG_CACHE_HOME/gotrace or ~/.cache/gotrace. */
export function cachePath(): string {
  return (
    process.env.GOTRACE_CACHE ?? path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache'), 'gotrace')
  );
}

/** Opens a regular file without following a symlink, and checks that it is this user's and
 *  that no one else may write it (nor read it, with `secret`). */
function openOwnFile(file: string, flags: number, secret: boolean): { fd: number; st: fs.Stats } | string {
  let fd: number;
  try {
    fd = fs.openSync(file, flags | O_NOFOLLOW, 0o600);
  } catch (e) {
    return `${file}: ${(e as NodeJS.ErrnoException).code}`;
  }
  const st = fs.fstatSync(fd);
  const why = !st.isFile()
    ? 'not a regular file'
    : st.uid !== (process.getuid?.() ?? 0)
      ? `owned by uid ${st.uid}`
      : st.mode & (secret ? 0o077 : 0o022)
        ? `mode ${(st.mode & 0o7777).toString(8)}`
        : undefined;
  if (!why) return { fd, st };
  fs.closeSync(fd);
  return `${file}: ${why}`;
}

/** The MAC key beside the cache folder (`gotrace.key` next to `gotrace/`), made on first use. */
function macKey(keyFile: string): Buffer | string {
  try {
    const fd = fs.openSync(keyFile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    fs.writeSync(fd, crypto.randomBytes(32));
    fs.closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return `${keyFile}: ${(e as NodeJS.ErrnoException).code}`;
  }
  const f = openOwnFile(keyFile, O_RDONLY, true);
  if (typeof f === 'string') return f;
  try {
    const key = fs.readFileSync(f.fd);
    return key.length === 32 ? key : `${keyFile}: not a key (${key.length} bytes)`;
  } finally {
    fs.closeSync(f.fd);
  }
}

/** A checked cache folder and its MAC key. */
export class ObjectCache {
  private constructor(
    readonly dir: string,
    private readonly key: Buffer,
  ) {}

  /** The cache at `dir` (default: cachePath()), or why it cannot be used. */
  static open(dir = cachePath()): ObjectCache | { refused: string } {
    const abs = path.resolve(dir);
    const why = untrustedReason(abs, true);
    if (why) return { refused: why };
    const key = macKey(`${abs}.key`);
    if (typeof key === 'string') return { refused: key };
    return new ObjectCache(abs, key);
  }

  file(key: string): string {
    return path.join(this.dir, `${key}.obj`);
  }

  private mac(key: string, object: Uint8Array): Buffer {
    return crypto.createHmac('sha256', this.key).update(`gotrace-cache-v1\0${key}\0`).update(object).digest();
  }

  /** The object stored under `key`, if its MAC is right; anything else is a miss. */
  get(key: string): Uint8Array | undefined {
    const f = openOwnFile(this.file(key), O_RDONLY, false);
    if (typeof f === 'string') return undefined;
    let data: Buffer;
    try {
      data = fs.readFileSync(f.fd);
    } finally {
      fs.closeSync(f.fd);
    }
    if (data.length <= MAGIC.length + MAC_SIZE || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const object = data.subarray(MAGIC.length + MAC_SIZE);
    const mac = data.subarray(MAGIC.length, MAGIC.length + MAC_SIZE);
    return crypto.timingSafeEqual(mac, this.mac(key, object)) ? new Uint8Array(object) : undefined;
  }

  /** Stores an object: a new file (O_EXCL, never an existing name) renamed into place, so a
   *  concurrent gotrace never reads half an object and no link is ever written through. */
  put(key: string, object: Uint8Array): void {
    const tmp = path.join(this.dir, `.${key}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    try {
      const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
      try {
        fs.writeSync(fd, Buffer.concat([MAGIC, this.mac(key, object), object]));
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file(key));
    } catch {
      // A cache that cannot be written costs a compile next time, nothing more.
      fs.rmSync(tmp, { force: true });
    }
  }
}

let templatesDigest: string | undefined;

function templatesHash(): string {
  if (templatesDigest) return templatesDigest;
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(templatesDir()).sort()) h.update(f).update(fs.readFileSync(path.join(templatesDir(), f)));
  return (templatesDigest = h.digest('hex'));
}

/** The cache key: the C text, clang's identity and the templates the C includes. */
export function cacheKey(cSource: string, clangIdentity: string): string {
  return crypto.createHash('sha256').update(cSource).update('\0').update(clangIdentity).update('\0').update(templatesHash()).digest('hex');
}
