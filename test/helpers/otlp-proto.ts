// A decoder for what an OTLP/HTTP protobuf exporter posts (ExportMetricsServiceRequest), for the
// e2e receiver: the wire format read by hand against the field numbers of OpenTelemetry's
// protobuf definitions (opentelemetry/proto/{collector/metrics,metrics,common,resource}/v1/*.proto).
// The result takes the shape of those definitions' JSON mapping: lowerCamelCase names, 64-bit
// integers as decimal strings, doubles as numbers, enums as numbers.

type Scalar = 'string' | 'bool' | 'int64' | 'fixed64' | 'sfixed64' | 'double' | 'packedFixed64' | 'packedDouble';
interface Schema {
  [field: number]: [name: string, type: Scalar | Schema, repeated?: 'repeated'];
}

const anyValue: Schema = { 1: ['stringValue', 'string'], 2: ['boolValue', 'bool'], 3: ['intValue', 'int64'], 4: ['doubleValue', 'double'] };
const keyValue: Schema = { 1: ['key', 'string'], 2: ['value', anyValue] };
const attributes = (n: number): Schema => ({ [n]: ['attributes', keyValue, 'repeated'] });
const numberPoint: Schema = {
  ...attributes(7),
  2: ['startTimeUnixNano', 'fixed64'],
  3: ['timeUnixNano', 'fixed64'],
  4: ['asDouble', 'double'],
  6: ['asInt', 'sfixed64'],
};
const histogramPoint: Schema = {
  ...attributes(9),
  2: ['startTimeUnixNano', 'fixed64'],
  3: ['timeUnixNano', 'fixed64'],
  4: ['count', 'fixed64'],
  5: ['sum', 'double'],
  6: ['bucketCounts', 'packedFixed64'],
  7: ['explicitBounds', 'packedDouble'],
  11: ['min', 'double'],
  12: ['max', 'double'],
};
const metric: Schema = {
  1: ['name', 'string'],
  2: ['description', 'string'],
  3: ['unit', 'string'],
  5: ['gauge', { 1: ['dataPoints', numberPoint, 'repeated'] }],
  7: ['sum', { 1: ['dataPoints', numberPoint, 'repeated'], 2: ['aggregationTemporality', 'int64'], 3: ['isMonotonic', 'bool'] }],
  9: ['histogram', { 1: ['dataPoints', histogramPoint, 'repeated'], 2: ['aggregationTemporality', 'int64'] }],
};
const scopeMetrics: Schema = { 1: ['scope', { 1: ['name', 'string'], 2: ['version', 'string'] }], 2: ['metrics', metric, 'repeated'] };
const resourceMetrics: Schema = { 1: ['resource', attributes(1)], 2: ['scopeMetrics', scopeMetrics, 'repeated'] };
const request: Schema = { 1: ['resourceMetrics', resourceMetrics, 'repeated'] };

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('protobuf: truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('protobuf: truncated field');
    return this.buf.subarray(this.pos, (this.pos += n));
  }
}

function scalar(type: Scalar, r: Reader, wire: number): unknown {
  switch (type) {
    case 'string':
      return r.bytes(Number(r.varint())).toString('utf8');
    case 'bool':
      return r.varint() !== 0n;
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'fixed64':
      return r.bytes(8).readBigUInt64LE().toString();
    case 'sfixed64':
      return r.bytes(8).readBigInt64LE().toString();
    case 'double':
      return r.bytes(8).readDoubleLE();
    case 'packedFixed64':
    case 'packedDouble': {
      // N.B. a repeated scalar may also come unpacked (wire type 1), one element per field.
      const b = wire === 2 ? r.bytes(Number(r.varint())) : r.bytes(8);
      const out: unknown[] = [];
      for (let i = 0; i < b.length; i += 8) out.push(type === 'packedDouble' ? b.readDoubleLE(i) : b.readBigUInt64LE(i).toString());
      return out;
    }
  }
}

/** Skips a field this decoder has no name for. */
function skip(r: Reader, wire: number): void {
  if (wire === 0) r.varint();
  else if (wire === 1) r.bytes(8);
  else if (wire === 2) r.bytes(Number(r.varint()));
  else if (wire === 5) r.bytes(4);
  else throw new Error(`protobuf: wire type ${wire} not expected in OTLP metrics`);
}

function message(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const [field, wire] = [tag >>> 3, tag & 7];
    const f = schema[field];
    if (!f) {
      skip(r, wire);
      continue;
    }
    const [name, type, repeated] = f;
    const value = typeof type === 'string' ? scalar(type, r, wire) : message(r.bytes(Number(r.varint())), type);
    if (Array.isArray(value)) out[name] = [...((out[name] as unknown[]) ?? []), ...value];
    else if (repeated) out[name] = [...((out[name] as unknown[]) ?? []), value];
    else out[name] = value;
  }
  return out;
}

/** An ExportMetricsServiceRequest, as its JSON mapping would show it. */
export function decodeMetricsRequest(body: Buffer): Record<string, unknown> {
  return message(body, request);
}
