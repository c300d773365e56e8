// DWARF constants and the low-level decoding of attribute forms (DWARF 2-5),
// kept apart from dwarf.ts so the reader there reads as a sequence of steps.

export const TAG = {
  array_type: 0x01,
  enumeration_type: 0x04,
  formal_parameter: 0x05,
  member: 0x0d,
  pointer_type: 0x0f,
  compile_unit: 0x11,
  structure_type: 0x13,
  subroutine_type: 0x15,
  typedef: 0x16,
  union_type: 0x17,
  inlined_subroutine: 0x1d,
  subrange_type: 0x21,
  base_type: 0x24,
  const_type: 0x26,
  subprogram: 0x2e,
  variable: 0x34,
  volatile_type: 0x35,
  unspecified_type: 0x3b,
} as const;

export const AT = {
  sibling: 0x01,
  location: 0x02,
  name: 0x03,
  byte_size: 0x0b,
  low_pc: 0x11,
  high_pc: 0x12,
  inline: 0x20,
  upper_bound: 0x2f,
  abstract_origin: 0x31,
  count: 0x37,
  data_member_location: 0x38,
  declaration: 0x3c,
  encoding: 0x3e,
  frame_base: 0x40,
  type: 0x49,
  variable_parameter: 0x4b,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  loclists_base: 0x8c,
  // Go's own attributes (cmd/internal/dwarf).
  go_kind: 0x2900,
  go_key: 0x2901,
  go_elem: 0x2902,
  go_embedded_field: 0x2903,
  go_runtime_type: 0x2904,
} as const;

export const FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  gnu_ref_alt: 0x1f20,
  gnu_strp_alt: 0x1f21,
} as const;

/** What a unit header tells the form decoder. */
export interface UnitShape {
  version: number;
  addrSize: number;
  offSize: 4 | 8;
}

export function uleb(b: Buffer, off: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const byte = b[off++]!;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80 || off >= b.length) return [v, off];
    mul *= 128;
  }
}

export function sleb(b: Buffer, off: number): [number, number] {
  let v = 0;
  let mul = 1;
  let byte: number;
  do {
    byte = b[off++]!;
    v += (byte & 0x7f) * mul;
    mul *= 128;
  } while (byte >= 0x80 && off < b.length);
  if (byte & 0x40) v -= mul;
  return [v, off];
}

/**
 * Size in bytes of a form whose size does not depend on the data, or -1.
 * Used to skip whole DIEs in one step when every attribute is fixed-size.
 */
export function fixedFormSize(form: number, u: UnitShape): number {
  switch (form) {
    case FORM.flag_present:
    case FORM.implicit_const:
      return 0;
    case FORM.data1:
    case FORM.ref1:
    case FORM.flag:
    case FORM.strx1:
    case FORM.addrx1:
      return 1;
    case FORM.data2:
    case FORM.ref2:
    case FORM.strx2:
    case FORM.addrx2:
      return 2;
    case FORM.strx3:
    case FORM.addrx3:
      return 3;
    case FORM.data4:
    case FORM.ref4:
    case FORM.ref_sup4:
    case FORM.strx4:
    case FORM.addrx4:
      return 4;
    case FORM.data8:
    case FORM.ref8:
    case FORM.ref_sig8:
    case FORM.ref_sup8:
      return 8;
    case FORM.data16:
      return 16;
    case FORM.addr:
      return u.addrSize;
    case FORM.ref_addr:
      return u.version <= 2 ? u.addrSize : u.offSize;
    case FORM.strp:
    case FORM.sec_offset:
    case FORM.line_strp:
    case FORM.strp_sup:
    case FORM.gnu_ref_alt:
    case FORM.gnu_strp_alt:
      return u.offSize;
    default:
      return -1;
  }
}

export function readUint(b: Buffer, off: number, size: number): number {
  switch (size) {
    case 1:
      return b[off]!;
    case 2:
      return b.readUInt16LE(off);
    case 3:
      return b.readUIntLE(off, 3);
    case 4:
      return b.readUInt32LE(off);
    case 8:
      return Number(b.readBigUInt64LE(off));
    default:
      throw new Error(`DWARF: bad integer size ${size}`);
  }
}
