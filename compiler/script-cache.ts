// The script cache: a script run before, against the same files, starts without the compiler.
// A hit gives the manifest and the BPF object straight away, so the CLI loads neither the
// parser (Chevrotain's start-up self-analysis) nor the resolver's decoder (iced-x86's
// WebAssembly), and runs no process.
//
// The key holds everything the compiler's output depends on: the source text, the options
// that change it, the working directory (relative paths), the environment the compiler reads,
// clang's identity, and gotrace's own code (the size and mtime of every compiled file of
// grammar/ and compiler/, and of the templates). Each entry also records the identity (device,
// inode, size, mtime, ctime) of every file the compile read (the target binary, every binary a
// spec names, --debug-file) and where the DWARF came from; a hit re-checks them, so a rebuilt
// binary is a miss. Entries live in the object cache (cache.ts: a trusted folder, each file
// HMAC'd), and only a compile with no diagnostic at all is stored: a hit has nothing to report.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ObjectCache } from './cache.js';
import { findClang } from './clang.js';
import type { Manifest } from './manifest.js';
import { templatesDir } from './paths.js';

/** What the compile's output depends on, besides gotrace itself. */
export interface ScriptKey {
  source: string;
  /** The target's binary (-p's /proc/PID/exe, -c's command), if any. */
  binary?: string;
  debugFile?: string;
  /** Compile options that change the output: --unsafe, --strlen, $1..., --max-functions. */
  options: Record<string, unknown>;
}

export interface ScriptEntry {
  manifest: Manifest;
  object: Uint8Array;
  /** GoBinary.dwarfSource of the manifest's binary when compiled (a debug file found later
   *  changes what the compiler sees). */
  dwarfSource?: string;
}

interface Stored {
  deps: [string, string][];
  manifest: Manifest;
  dwarfSource?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** A file's identity, or '-' when it cannot be read. Follows links (/proc/PID/exe). */
function identity(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return '-';
  }
}

let codeDigest: string | undefined;

/** gotrace's compiler as installed: a rebuild (tsc rewrites every file) changes it. */
function codeIdentity(): string {
  if (codeDigest) return codeDigest;
  const h = crypto.createHash('sha256');
  for (const dir of [here, path.join(here, '..', 'grammar'), templatesDir()]) {
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.endsWith('.map'));
    for (const f of files.sort()) h.update(`${f}\0${identity(path.join(dir, f))}\0`);
  }
  return (codeDigest = h.digest('hex'));
}

function entryKey(k: ScriptKey): string {
  const env = ['GOTRACE_DEBUG_ROOT', 'GOTRACE_TRACEFS'].map((v) => process.env[v] ?? '');
  const parts = [
    'gotrace-script-v1',
    // Tracepoint formats are the running kernel's.
    os.release(),
    codeIdentity(),
    findClang()?.identity ?? '',
    process.cwd(),
    JSON.stringify(env),
    k.binary ?? '',
    k.binary ? identity(k.binary) : '',
    k.debugFile ?? '',
    JSON.stringify(k.options),
    k.source,
  ];
  return 'script-' + crypto.createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** The files an entry depends on: every binary the manifest attaches to, --debug-file, and the
 *  scripts the script imported. */
function dependencies(k: ScriptKey, manifest: Manifest): string[] {
  const files = new Set<string>();
  if (manifest.target.binary) files.add(manifest.target.binary);
  for (const a of manifest.attach) if ('binary' in a && a.binary) files.add(a.binary);
  if (k.debugFile) files.add(k.debugFile);
  // Imported scripts: the key holds only the importing script's text.
  for (const f of manifest.scripts ?? []) files.add(f);
  return [...files];
}

function encode(s: Stored, object: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(s));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([len, json, object]);
}

function decode(data: Uint8Array): { stored: Stored; object: Uint8Array } | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 4) return undefined;
  const n = buf.readUInt32LE(0);
  if (4 + n > buf.length) return undefined;
  try {
    return { stored: JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as Stored, object: new Uint8Array(buf.subarray(4 + n)) };
  } catch {
    return undefined;
  }
}

function open(): ObjectCache | undefined {
  const c = ObjectCache.open();
  return c instanceof ObjectCache ? c : undefined;
}

/** The entry for this script, if every file it was compiled from is unchanged. */
export function lookupScript(k: ScriptKey): ScriptEntry | undefined {
  const data = open()?.get(entryKey(k));
  const got = data && decode(data);
  if (!got) return undefined;
  if (got.stored.deps.some(([f, id]) => identity(f) !== id)) return undefined;
  return { manifest: got.stored.manifest, object: got.object, dwarfSource: got.stored.dwarfSource };
}

/** Stores a compile's output (call it only for a compile with no diagnostic). */
export function storeScript(k: ScriptKey, e: ScriptEntry): void {
  const cache = open();
  if (!cache) return;
  const deps = dependencies(k, e.manifest).map((f): [string, string] => [f, identity(f)]);
  cache.put(entryKey(k), encode({ deps, manifest: e.manifest, dwarfSource: e.dwarfSource }, e.object));
}
