/**
 * Protocol Buffers wire format: a reader over a byte view (bytes fields are
 * returned as sub-views, never copied) and a writer that collects chunks and
 * concatenates once at the end, so large tensors are copied a single time.
 *
 * @module
 */

/** Wire types of the protobuf encoding. */
export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Reads fields from a protobuf message. */
export class ProtoReader {
  #bytes: Uint8Array;
  #view: DataView;
  #pos: number;
  #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Whether all fields were read. */
  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The current byte offset. */
  get position(): number {
    return this.#pos;
  }

  /** Reads a field tag: the field number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wire: key & 7 };
  }

  /** Reads an unsigned varint that fits a safe integer. */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new RangeError("Cannot read protobuf: truncated varint");
      const byte = this.#bytes[this.#pos++]!;
      result += (byte & 0x7f) * shift;
      if ((byte & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) throw new RangeError("Cannot read protobuf: varint beyond 2^53");
        return result;
      }
      shift *= 128;
    }
    throw new RangeError("Cannot read protobuf: varint longer than 10 bytes");
  }

  /** Reads a varint as a signed 64-bit integer (two's complement), as a number. */
  int64(): number {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new RangeError("Cannot read protobuf: truncated varint");
      const byte = this.#bytes[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        const signed = BigInt.asIntN(64, result);
        if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new RangeError(`Cannot read protobuf: integer ${signed} is not a safe integer`);
        }
        return Number(signed);
      }
      shift += 7n;
    }
    throw new RangeError("Cannot read protobuf: varint longer than 10 bytes");
  }

  /** Reads a 32-bit float. */
  float(): number {
    this.#need(4);
    const value = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  /** Reads a 64-bit float. */
  double(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  /** Reads a length-delimited field as a view into the source bytes. */
  bytes(): Uint8Array {
    const length = this.varint();
    this.#need(length);
    const view = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return view;
  }

  /** Reads a length-delimited UTF-8 string. */
  string(): string {
    return decoder.decode(this.bytes());
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const length = this.varint();
    this.#need(length);
    const reader = new ProtoReader(this.#bytes, this.#pos, this.#pos + length);
    this.#pos += length;
    return reader;
  }

  /** Skips a field's value and returns the raw bytes of the whole field (tag included). */
  skip(wire: number, tagStart: number): Uint8Array {
    switch (wire) {
      case WireType.Varint:
        this.varint64Skip();
        break;
      case WireType.Fixed64:
        this.#need(8);
        this.#pos += 8;
        break;
      case WireType.Bytes: {
        const length = this.varint();
        this.#need(length);
        this.#pos += length;
        break;
      }
      case WireType.Fixed32:
        this.#need(4);
        this.#pos += 4;
        break;
      default:
        throw new RangeError(`Cannot read protobuf: unsupported wire type ${wire}`);
    }
    return this.#bytes.subarray(tagStart, this.#pos);
  }

  /** Reads a repeated scalar field that may be packed or not. */
  repeated(wire: number, read: (reader: ProtoReader) => number, into: number[]): void {
    if (wire === WireType.Bytes) {
      const inner = this.message();
      while (!inner.done) into.push(read(inner));
    } else {
      into.push(read(this));
    }
  }

  private varint64Skip(): void {
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw new RangeError("Cannot read protobuf: truncated varint");
      if ((this.#bytes[this.#pos++]! & 0x80) === 0) return;
    }
    throw new RangeError("Cannot read protobuf: varint longer than 10 bytes");
  }

  #need(length: number): void {
    if (this.#pos + length > this.#end) {
      throw new RangeError(
        `Cannot read protobuf: field of ${length} bytes at offset ${this.#pos} runs past the end (${this.#end})`,
      );
    }
  }
}

/** Collects encoded fields as chunks; {@linkcode ProtoWriter.finish} concatenates once. */
export class ProtoWriter {
  #parts: Uint8Array[] = [];
  #length = 0;
  #scratch: number[] = [];

  /** Encoded length so far. */
  get length(): number {
    return this.#length;
  }

  #flush(): void {
    if (this.#scratch.length === 0) return;
    const bytes = Uint8Array.from(this.#scratch);
    this.#scratch = [];
    this.#parts.push(bytes);
  }

  #byte(value: number): void {
    this.#scratch.push(value);
    this.#length++;
  }

  #raw(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (bytes.length < 64) {
      for (const b of bytes) this.#byte(b);
      return;
    }
    this.#flush();
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: number): void {
    if (value < 0 || !Number.isSafeInteger(value)) {
      let big = BigInt.asUintN(64, BigInt(value));
      while (big >= 0x80n) {
        this.#byte(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.#byte(Number(big));
      return;
    }
    while (value >= 0x80) {
      this.#byte((value % 128) | 0x80);
      value = Math.floor(value / 128);
    }
    this.#byte(value);
  }

  #tag(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  /** Writes a varint field (int32/int64/enum/bool; negatives as 64-bit two's complement). */
  int(field: number, value: number): this {
    this.#tag(field, WireType.Varint);
    this.#varint(value);
    return this;
  }

  /** Writes a 32-bit float field. */
  float(field: number, value: number): this {
    this.#tag(field, WireType.Fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#raw(bytes);
    return this;
  }

  /** Writes a length-delimited bytes field (the bytes are not copied until `finish`). */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WireType.Bytes);
    this.#varint(value.length);
    this.#raw(value);
    return this;
  }

  /** Writes a UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** Writes an embedded message field. */
  message(field: number, inner: ProtoWriter): this {
    inner.#flush();
    this.#tag(field, WireType.Bytes);
    this.#varint(inner.#length);
    this.#flush();
    this.#parts.push(...inner.#parts);
    this.#length += inner.#length;
    return this;
  }

  /** Writes a packed repeated varint field. */
  packedInts(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const value of values) inner.#varint(value);
    return this.message(field, inner);
  }

  /** Writes a packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => view.setFloat32(i * 4, value, true));
    return this.bytes(field, bytes);
  }

  /** Writes a packed repeated double field. */
  packedDoubles(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => view.setFloat64(i * 8, value, true));
    return this.bytes(field, bytes);
  }

  /** Appends already-encoded fields (unknown fields kept from decoding). */
  rawFields(fields: readonly Uint8Array[] | undefined): this {
    for (const field of fields ?? []) this.#raw(field);
    return this;
  }

  /** Concatenates everything written into one buffer. */
  finish(): Uint8Array<ArrayBuffer> {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
