// Go binaries in situations the fixtures never reach on their own, made by patching a copy of a
// fixture: an old Go release without DWARF, a function the DWARF does not describe, a DWARF type
// tag gotrace does not know. Each copy is written once per test process into a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ElfFile } from '../../compiler/go/elf.js';
import { buildGo } from '../helpers/go.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-synthetic-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function patched(name: string, from: string, patch: (buf: Buffer, elf: ElfFile) => number): string {
  const out = path.join(dir, name);
  if (fs.existsSync(out)) return out;
  const buf = fs.readFileSync(from);
  const elf = ElfFile.open(from);
  try {
    if (patch(buf, elf) === 0) throw new Error(`synthetic ${name}: nothing to patch in ${from}`);
  } finally {
    elf.close();
  }
  fs.writeFileSync(out, buf, { mode: 0o755 });
  return out;
}

/** A stripped binary (no DWARF for runtime.g) that says it was built by go1.MINOR: older or
 *  newer than the goroutine layout table. */
export function strippedFromGo(minor: string): string {
  return patched(`go1.${minor}`, buildGo('basic', { ldflags: '-s -w' }), (buf) => {
    let n = 0;
    for (let i = buf.indexOf('go1.'); i >= 0; i = buf.indexOf('go1.', i + 1)) {
      if (/^go1\.\d\d\.\d/.test(buf.toString('latin1', i, i + 8))) {
        buf.write(minor, i + 4, 'latin1');
        n++;
      }
    }
    return n;
  });
}

/** Uncompressed DWARF (so names and abbreviations can be patched in place). */
function plainDwarf(): string {
  return buildGo('values', { ldflags: '-compressdwarf=false' });
}

/** main.greet's DWARF entry renamed: the function has no DWARF description. */
export function greetWithoutDwarf(): string {
  return patched('no-die', plainDwarf(), (buf, elf) => {
    const info = elf.section('.debug_info')!;
    const i = buf.indexOf('main.greet\0', info.offset, 'latin1');
    if (i < 0 || i >= info.offset + info.size) return 0;
    buf.write('X', i + 'main.gree'.length, 'latin1');
    return 1;
  });
}

const TAG_SUBROUTINE_TYPE = 0x15;
const TAG_UNSPECIFIED_TYPE = 0x3b;

/** Func types tagged DW_TAG_unspecified_type, a tag gotrace does not describe. */
export function funcTypesUndescribed(): string {
  return patched('no-func-type', plainDwarf(), (buf, elf) => {
    const s = elf.section('.debug_abbrev')!;
    let p = s.offset;
    const uleb = () => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const b = buf[p++];
        v |= (b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
      }
    };
    let n = 0;
    // Abbreviation entries: code, tag, has-children byte, (attribute, form) pairs up to (0, 0).
    while (p < s.offset + s.size) {
      if (uleb() === 0) continue;
      const tagAt = p;
      if (uleb() === TAG_SUBROUTINE_TYPE && p - tagAt === 1) {
        buf[tagAt] = TAG_UNSPECIFIED_TYPE;
        n++;
      }
      p++;
      for (;;) {
        const attr = uleb();
        const form = uleb();
        if (attr === 0 && form === 0) break;
      }
    }
    return n;
  });
}

/** Every copy of `from` in the stripped basic fixture's bytes overwritten with `to` (as long). */
function renamedInBasic(name: string, from: string, to: string): string {
  return patched(name, buildGo('basic', { ldflags: '-s -w' }), (buf) => {
    let n = 0;
    for (let i = buf.indexOf(from); i >= 0; i = buf.indexOf(from, i + 1), n++) buf.write(to, i, 'latin1');
    return n;
  });
}

/** runtime.gopark renamed in the function table: a release without the hook go:block needs. */
export function withoutGopark(): string {
  return renamedInBasic('no-gopark', 'runtime.gopark\0', 'runtime.goparX\0');
}

/** The anchor of waitReasonStrings ("GC assist marking") changed: the table is not found. */
export function withoutWaitReasons(): string {
  return renamedInBasic('no-wait-reasons', 'GC assist marking', 'GC assist markinX');
}
