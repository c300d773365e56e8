// GoBinary: everything the rest of the compiler may ask about a traced Go
// program, and the only module it should import from compiler/go/.
//
// Opening reads the ELF headers, the function table (.gopclntab) and the
// build info; DWARF and machine-code decoding happen only when asked for,
// so `gotrace -l 'main.*'` on a large binary stays quick.
import { ElfFile } from './elf.js';
import { GoBinaryError } from './errors.js';
import { funcIndexAt, readPclntab, Pclntab } from './pclntab.js';
import { readBuildInfo, BuildInfo } from './buildinfo.js';
import { globMatcher, isGlob, literalName, printName } from './glob.js';
import { directBranchTargets, findProbeSites, ProbeSites } from './sites.js';
import { Dwarf } from './dwarf.js';
import { GLayout, gLayoutFor } from './goid.js';
import { PclnLines } from './pclntab-lines.js';
import { InlineTrees } from './inltree.js';
import { FunctionAbi, functionAbiFor } from './func-abi.js';
import { DebugFile, findDebugFile } from './debugfile.js';
import { AbiParam, assignAbi, typeString } from './abi.js';
import { RuntimeTypes } from './rtype.js';
import { DescriptorTypes, type MethodSig } from './rtype-types.js';

export { GoBinaryError, binaryDiagnostic } from './errors.js';
export type { ProbeSites } from './sites.js';
export type { GLayout } from './goid.js';
export type { Dwarf, GoType, FuncParam, StructMember } from './dwarf.js';
export type { AbiAssignment, AbiValue, AbiLocation, RegPiece, AbiReg } from './abi.js';
export { assignAbi, typeString, locationString, INT_REGS, FLOAT_REGS } from './abi.js';

/** Where a pc is: its function and, from the line tables, file and line. */
export interface PcSymbol {
  func: string;
  file?: string;
  line?: number;
  /** pc - entry of func. */
  offset: number;
}

export type { FunctionAbi } from './func-abi.js';

export interface GoFunc {
  /** Symbol name as the linker records it, e.g. `main.(*Server).Handle`. */
  name: string;
  entry: number;
  /** Exclusive: the next function's entry, or the end of the text. */
  end: number;
  /**
   * An ABI wrapper that shares its name with the real body (Go functions
   * called from assembly get an ABI0 wrapper, `runtime.osinit.abi0` in the
   * symbol table, but the function table names both the same). func() and
   * findFunctions() skip these so a probe fires once per call.
   */
  abiWrapper?: true;
}

/** findDebugFile; a debug file found by convention that cannot be read counts as absent. */
function lookForDebugFile(elf: ElfFile, explicit: string | undefined, same: (o: ElfFile) => boolean): DebugFile | undefined {
  try {
    return findDebugFile(elf, explicit, same);
  } catch (e) {
    if (e instanceof GoBinaryError) throw e;
    if (explicit) throw new GoBinaryError(`--debug-file ${explicit}: cannot read it (${(e as Error).message})`);
    return undefined;
  }
}

/** Whether another file's function table has the same functions at the same addresses. */
function sameFunctions(pcln: Pclntab, other: ElfFile): boolean {
  try {
    const o = readPclntab(other).funcs;
    return o.length === pcln.funcs.length && o.every((f, i) => f.name === pcln.funcs[i]!.name && f.entry === pcln.funcs[i]!.entry);
  } catch {
    return false;
  }
}

export interface OpenOptions {
  /** --debug-file: the DWARF of this build, for a binary without its own. */
  debugFile?: string;
}

export class GoBinary {
  readonly path: string;
  readonly goVersion?: string;
  readonly mainModule?: string;
  /** Import path of the main package, from build info. */
  readonly mainPath?: string;
  readonly pie: boolean;
  readonly hasDwarf: boolean;
  /** Where the DWARF comes from: `DWARF` (the binary's own) or a debug file (debugfile.ts). */
  readonly dwarfSource?: string;
  private readonly debug?: DebugFile;
  /** GNU build id (hex) when present, else Go's build id. */
  readonly buildId?: string;
  readonly goBuildId?: string;
  readonly pclnFormat: Pclntab['format'];

  private readonly elf: ElfFile;
  private readonly pcln: Pclntab;
  private linesCache?: PclnLines;
  private inlCache?: InlineTrees;
  private abi0Entries?: Set<number>;
  private readonly funcs: GoFunc[];
  private byName?: Map<string, GoFunc>;
  private wrappersMarked = false;
  private singleLookups = 0;
  private dwarfCache?: Dwarf | null;
  private descriptorCache?: DescriptorTypes | null;
  private layoutCache?: GLayout;

  private constructor(elf: ElfFile, pcln: Pclntab, info: BuildInfo, opts: OpenOptions) {
    this.elf = elf;
    this.path = elf.path;
    this.pie = elf.pie;
    this.pcln = pcln;
    this.funcs = pcln.funcs;
    this.pclnFormat = pcln.format;
    if (info.goVersion) this.goVersion = info.goVersion;
    if (info.mainModule) this.mainModule = info.mainModule;
    if (info.mainPath) this.mainPath = info.mainPath;
    const own = elf.section('.debug_info') ?? elf.section('.zdebug_info');
    if (own) this.dwarfSource = 'DWARF';
    else {
      const d = lookForDebugFile(elf, opts.debugFile, (other) => sameFunctions(pcln, other));
      if (d) {
        this.debug = d;
        this.dwarfSource = d.source;
      }
    }
    this.hasDwarf = !!this.dwarfSource;
    const goId = elf.goBuildId();
    const id = elf.gnuBuildId() ?? goId;
    if (id) this.buildId = id;
    if (goId) this.goBuildId = goId;
  }

  /**
   * Opens a Go x86-64 ELF executable. Every way this can fail because of
   * the file the user named is a GoBinaryError with a plain message.
   */
  static open(path: string, opts: OpenOptions = {}): GoBinary {
    const elf = ElfFile.open(path);
    try {
      const pcln = readPclntab(elf);
      return new GoBinary(elf, pcln, readBuildInfo(elf), opts);
    } catch (e) {
      elf.close();
      if (e instanceof GoBinaryError) throw e;
      // A truncated or corrupt file makes Buffer reads throw RangeError.
      throw new GoBinaryError(`${path}: cannot read Go tables (${(e as Error).message})`);
    }
  }

  /**
   * All functions from the function table, sorted by entry address.
   * N.B. abiWrapper is set on a function once a lookup has looked at its
   * name: findFunctions('*') settles it for all.
   */
  functions(): GoFunc[] {
    return this.funcs;
  }

  /**
   * Functions whose name matches `pattern` (glob.ts: a `*` outside `(*` matches
   * any characters; without one the name must be exact). A pattern also matches the name
   * Go prints for generic instantiations, so `main.Map[...]` finds every
   * stenciled `main.Map[go.shape...]` body.
   */
  findFunctions(pattern: string): GoFunc[] {
    return this.guard(() => this.findFunctionsUnguarded(pattern));
  }

  private findFunctionsUnguarded(pattern: string): GoFunc[] {
    if (!isGlob(pattern) && !pattern.includes('[...]')) {
      const f = this.func(literalName(pattern));
      return f ? [f] : [];
    }
    const match = globMatcher(pattern);
    const hits = this.funcs.filter((f) => match(f.name) || (f.name.includes('[') && match(printName(f.name))));
    // Wrappers share their body's name, so both are among the hits.
    if (!this.wrappersMarked) {
      const groups = new Map<string, GoFunc[]>();
      for (const f of hits) {
        const g = groups.get(f.name);
        if (g) g.push(f);
        else groups.set(f.name, [f]);
      }
      for (const g of groups.values()) if (g.length > 1) this.markGroup(g);
    }
    return hits.filter((f) => !f.abiWrapper);
  }

  func(name: string): GoFunc | undefined {
    if (!this.byName && ++this.singleLookups > 16) {
      this.markWrappers();
      this.byName = new Map();
      for (const f of this.funcs) if (!f.abiWrapper && !this.byName.has(f.name)) this.byName.set(f.name, f);
    }
    if (this.byName) return this.byName.get(name);
    // The first few lookups scan instead: resolving one probe should not
    // pay for indexing (and decoding duplicates among) 50,000 functions.
    const same = this.funcs.filter((f) => f.name === name);
    if (same.length > 1) this.markGroup(same);
    return same.find((f) => !f.abiWrapper);
  }

  /**
   * Among functions sharing a name, the ABI wrapper is the one that calls or
   * jumps to another's entry. Decided from the code rather than the _func
   * funcID, whose numbering changes between Go releases. Generic bodies
   * (`Name[...]`) share names too but never call each other's entries
   * directly in a way that matters here: they are left alone.
   */
  private markWrappers(): void {
    if (this.wrappersMarked) return;
    this.wrappersMarked = true;
    const groups = new Map<string, GoFunc[]>();
    for (const f of this.funcs) {
      const g = groups.get(f.name);
      if (g) g.push(f);
      else groups.set(f.name, [f]);
    }
    for (const g of groups.values()) if (g.length > 1) this.markGroup(g);
  }

  private markGroup(g: GoFunc[]): void {
    const name = g[0]!.name;
    if (name.endsWith('[...]') || name.includes('[...].')) return;
    const entries = new Set(g.map((f) => f.entry));
    // Wrappers are small: look at the smallest first, and stop once only
    // one candidate for the real body is left.
    const bySize = [...g].sort((a, b) => a.end - a.entry - (b.end - b.entry));
    let left = g.length;
    for (const f of bySize) {
      if (left === 1) break;
      const code = this.elf.readVaddr(f.entry, f.end - f.entry);
      if (directBranchTargets(code, f.entry).some((t) => t !== f.entry && entries.has(t))) {
        f.abiWrapper = true;
        left--;
      }
    }
  }

  /** File offset for a uprobe at `vaddr` (see ElfFile.fileOffset). */
  fileOffset(vaddr: number): number {
    return this.guard(() => this.elf.fileOffset(vaddr));
  }

  /** Entry and return probe sites of `fn`, as virtual addresses. */
  probeSites(fn: GoFunc): ProbeSites {
    return this.guard(() => findProbeSites(this.elf.readVaddr(fn.entry, fn.end - fn.entry), fn.entry));
  }

  /** The inline trees of .gopclntab (inltree.ts); undefined when they cannot be read. */
  inlineTrees(): InlineTrees | undefined {
    this.inlCache ??= new InlineTrees(this.pcln, this.elf);
    return this.inlCache.readable ? this.inlCache : undefined;
  }

  /** Index in functions() of the function containing `pc`, or -1. */
  private indexAt(pc: number): number {
    return funcIndexAt(this.funcs, pc);
  }

  private lines(): PclnLines {
    this.linesCache ??= new PclnLines(this.pcln);
    return this.linesCache;
  }

  /** The function whose code contains `pc`. */
  funcAt(pc: number): GoFunc | undefined {
    const i = this.indexAt(pc);
    return i >= 0 ? this.funcs[i] : undefined;
  }

  /**
   * Function, file and line of a code address, from .gopclntab (so it
   * works on stripped binaries). For a return address from a stack trace
   * pass `pc - 1`, as Go's traceback does, to get the line of the call.
   * File and line are innermost: code inlined from another function
   * reports that function's source position, under the outer function's
   * name. Undefined for an address outside every Go function.
   */
  symbolize(pc: number): PcSymbol | undefined {
    const i = this.indexAt(pc);
    if (i < 0) return undefined;
    const f = this.funcs[i]!;
    const out: PcSymbol = { func: f.name, offset: pc - f.entry };
    try {
      const pos = this.lines().position(i, f.entry, pc);
      if (pos.file !== undefined) out.file = pos.file;
      if (pos.line !== undefined) out.line = pos.line;
    } catch {
      // A table we cannot read still leaves the function name.
    }
    return out;
  }

  /**
   * Size of `fn`'s argument area as the function table records it: stack
   * arguments and results plus the spill space of register arguments.
   */
  argsSize(fn: GoFunc): number {
    const i = this.indexAt(fn.entry);
    return i >= 0 && this.funcs[i]!.entry === fn.entry ? this.guard(() => this.lines().argsSize(i)) : -1;
  }

  /**
   * Arguments and results of `fn` with their types (from DWARF) and where
   * they are at entry and at each return (from Go's ABI rules, abi.ts).
   * Undefined without DWARF for the function (stripped binary). See
   * func-abi.ts for how parameters missing from the DWARF are handled.
   */
  functionAbi(fn: GoFunc): FunctionAbi | undefined {
    const d = this.dwarf();
    return d ? this.guard(() => functionAbiFor(d, fn, this.argsSize(fn), this.registerAbi() && !this.isAbi0(fn))) : undefined;
  }

  /**
   * Arguments and results of a method from the runtime's type descriptors, for binaries
   * without DWARF: the receiver and the method's function type as its method table records
   * them (rtype-types.ts), named by position (`args.0` the receiver, `args.1`..., `rets.0`...).
   * Undefined for functions no method table lists, or whose recorded argument area disagrees.
   */
  descriptorAbi(fn: GoFunc): FunctionAbi | undefined {
    let m: MethodSig | undefined;
    try {
      m = this.descriptorTypes()?.methodAt(fn.entry);
    } catch (e) {
      // Descriptors of a corrupt file: like a corrupt table elsewhere, a plain error.
      throw new GoBinaryError(`${this.path}: cannot read the type descriptors (${(e as Error).message})`);
    }
    if (!m) return undefined;
    const params: AbiParam[] = [
      { name: '0', type: m.recv, isResult: false },
      ...m.params.map((type, i) => ({ name: String(i + 1), type, isResult: false })),
      ...m.results.map((type, i) => ({ name: String(i), type, isResult: true })),
    ];
    const a = assignAbi(params, { registers: this.registerAbi() });
    const argsSize = this.argsSize(fn);
    if (a.frameSize === undefined || (argsSize >= 0 && a.frameSize !== argsSize)) return undefined;
    return { ...a, argsSize, source: `type descriptors (method ${m.name} of ${typeString(m.recv)})` };
  }

  /** The runtime's type descriptors as GoTypes (undefined before Go 1.17). */
  descriptorTypes(): DescriptorTypes | undefined {
    if (this.descriptorCache === undefined) {
      const rt = RuntimeTypes.open(this.elf, this.goVersion);
      this.descriptorCache = rt ? new DescriptorTypes(rt, this.goVersion) : null;
    }
    return this.descriptorCache ?? undefined;
  }

  /**
   * ABI0 functions (assembly, and the ABI0 wrappers of Go functions that
   * assembly calls) take everything on the stack. The symbol table marks
   * them with a `.abi0` suffix; without one (stripped) there is no DWARF
   * to describe parameters either.
   */
  private isAbi0(fn: GoFunc): boolean {
    this.abi0Entries ??= new Set(this.elf.symbolValuesWithSuffix('.abi0'));
    return this.abi0Entries.has(fn.entry);
  }

  /** Go 1.17 brought the register ABI to amd64; before, everything was on the stack. */
  private registerAbi(): boolean {
    const m = /^go1\.(\d+)/.exec(this.goVersion ?? '');
    return !m || Number(m[1]) >= 17;
  }

  /** Offsets in runtime.g the BPF side needs to identify goroutines. */
  gLayout(): GLayout {
    this.layoutCache ??= this.guard(() => gLayoutFor(this.dwarf(), this.goVersion));
    return this.layoutCache;
  }

  /**
   * DWARF reader, or undefined for stripped binaries. Opened on first use.
   * DWARF that cannot be read (corrupt compression, say) counts as absent,
   * with the reason in dwarfError: tracing works without it.
   */
  dwarf(): Dwarf | undefined {
    if (this.dwarfCache === undefined) {
      try {
        this.dwarfCache = this.hasDwarf ? (Dwarf.open(this.debug?.elf ?? this.elf) ?? null) : null;
      } catch (e) {
        this.dwarfError = (e as Error).message;
        this.dwarfCache = null;
      }
    }
    return this.dwarfCache ?? undefined;
  }

  /** Why dwarf() gave undefined although the binary has DWARF sections. */
  dwarfError?: string;

  /**
   * Runs a reader of the file's tables. N.B. a corrupt file (fuzzed, truncated, offsets past
   * the end) makes Buffer reads throw RangeError and zlib throw its own errors deep inside the
   * readers; callers are promised a GoBinaryError for every problem of the file, so convert.
   */
  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof GoBinaryError) throw e;
      throw new GoBinaryError(`${this.path}: malformed Go binary (${(e as Error).message})`);
    }
  }

  /** The underlying ELF reader, for tools that need raw sections. */
  /** The file analyzed: st_dev and st_ino of the open file, and its size and mtime then. */
  get opened(): { dev: number; ino: number; size: number; mtimeMs: number } {
    const st = this.elf.opened;
    return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  }

  /**
   * A path to the very file analyzed, through gotrace's open descriptor: uprobes attached by it
   * land on that file's inode even if the path it was opened by now names another file.
   * N.B. attaching by the original path would let a rebuild (a `go build` renaming a new file
   * over it) receive breakpoints at offsets computed for the old one: in the middle of an
   * instruction, silently changing what the target computes.
   */
  changedSinceOpened(): boolean {
    return this.elf.changedSinceOpened();
  }

  attachPath(): string {
    return `/proc/self/fd/${this.elf.descriptor()}`;
  }

  elfFile(): ElfFile {
    return this.elf;
  }

  close(): void {
    this.debug?.elf.close();
    this.elf.close();
  }
}
