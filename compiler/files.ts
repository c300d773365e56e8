// Opening the files a user names (scripts, target binaries) without ever blocking.
// N.B. open(2) on a FIFO waits for a writer, forever if none comes, and reading a device or a
// directory makes no sense: open with O_NONBLOCK (which regular files ignore), fstat, and refuse
// anything but a regular file before reading a byte.
import fs from 'node:fs';

/** A named file that is not a regular file; `code` says what it is, the message says so plainly. */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path}: is ${kind}, not a regular file`);
  }
}

const KINDS: [(s: fs.Stats) => boolean, string][] = [
  [(s) => s.isDirectory(), 'a directory'],
  [(s) => s.isFIFO(), 'a FIFO (named pipe)'],
  [(s) => s.isSocket(), 'a socket'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
];

/** An fd of the regular file at `path`; fs errors (ENOENT, EACCES) pass through unchanged. */
export function openRegularFile(path: string): number {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(path, KINDS.find(([is]) => is(st))?.[1] ?? 'a special file');
    return fd;
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The text of the regular file at `path` (see openRegularFile). */
export function readRegularText(path: string): string {
  const fd = openRegularFile(path);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
