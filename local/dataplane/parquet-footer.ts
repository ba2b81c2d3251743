/**
 * Rewrites the type annotation of columns in a finished Parquet file's footer. DuckDB writes TIME as INT64
 * microseconds and has no way to write the INT32 millisecond TIME (TIME_MILLIS) that DMS writes (TIME32, see
 * docs/data-plane-fidelity.md). So such columns are written as INT32 milliseconds since midnight and their schema
 * element is then annotated as TIME(MILLIS) here; the data pages and their offsets are untouched, only the footer
 * (FileMetaData, Thrift compact protocol) at the end of the file is replaced.
 *
 * The footer is decoded into a tree that keeps every field's wire type, so whatever this code does not change is
 * written back byte for byte.
 */
import { open } from 'node:fs/promises';

const MAGIC = 'PAR1';

// Thrift compact protocol type ids.
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

type Value =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'byte'; readonly value: number }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }
  | { readonly kind: 'list'; readonly elementType: number; readonly items: Value[] }
  | { readonly kind: 'map'; readonly keyType: number; readonly valueType: number; readonly entries: Value[] }
  | { readonly kind: 'struct'; readonly fields: Field[] };

interface Field {
  readonly id: number;
  readonly type: number;
  value: Value;
}

export class ParquetFooterError extends Error {
  override readonly name = 'ParquetFooterError';
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new ParquetFooterError('footer ended early');
    return value;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  take(length: number): Uint8Array {
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    if (slice.length !== length) throw new ParquetFooterError('footer ended early');
    this.offset += length;
    return slice;
  }

  value(type: number, inList = false): Value {
    switch (type) {
      case TRUE:
      case FALSE:
        // In a struct the value is the type itself; in a list it is one byte.
        return { kind: 'bool', value: inList ? this.byte() === TRUE : type === TRUE };
      case BYTE:
        return { kind: 'byte', value: this.byte() };
      case I16:
      case I32:
      case I64:
        return { kind: 'int', value: this.zigzag() };
      case DOUBLE:
        return { kind: 'raw', bytes: this.take(8) };
      case BINARY:
        return { kind: 'raw', bytes: this.take(Number(this.varint())) };
      case LIST:
      case SET: {
        const header = this.byte();
        const elementType = header & 0x0f;
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        return {
          kind: 'list',
          elementType,
          items: Array.from({ length: size }, () => this.value(elementType, true)),
        };
      }
      case MAP: {
        const size = Number(this.varint());
        const types = size > 0 ? this.byte() : 0;
        const keyType = types >> 4;
        const valueType = types & 0x0f;
        const entries: Value[] = [];
        for (let index = 0; index < size; index++) {
          entries.push(this.value(keyType, true), this.value(valueType, true));
        }
        return { kind: 'map', keyType, valueType, entries };
      }
      case STRUCT:
        return this.struct();
      default:
        throw new ParquetFooterError(`unknown Thrift type ${type}`);
    }
  }

  struct(): Value {
    const fields: Field[] = [];
    let id = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === 0) return { kind: 'struct', fields };
      const delta = header >> 4;
      id = delta === 0 ? Number(this.zigzag()) : id + delta;
      fields.push({ id, type, value: this.value(type) });
    }
  }
}

class Writer {
  private readonly chunks: number[] = [];

  byte(value: number): void {
    this.chunks.push(value & 0xff);
  }

  varint(value: bigint): void {
    let rest = value;
    for (;;) {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest === 0n) {
        this.byte(low);
        return;
      }
      this.byte(low | 0x80);
    }
  }

  zigzag(value: bigint): void {
    this.varint(value >= 0n ? value << 1n : (-value << 1n) - 1n);
  }

  bytes(data: Uint8Array): void {
    for (const b of data) this.chunks.push(b);
  }

  value(type: number, value: Value, inList = false): void {
    switch (value.kind) {
      case 'bool':
        if (inList) this.byte(value.value ? TRUE : FALSE);
        return;
      case 'byte':
        this.byte(value.value);
        return;
      case 'int':
        this.zigzag(value.value);
        return;
      case 'raw':
        if (type === BINARY) this.varint(BigInt(value.bytes.length));
        this.bytes(value.bytes);
        return;
      case 'list':
        if (value.items.length < 15) this.byte((value.items.length << 4) | value.elementType);
        else {
          this.byte(0xf0 | value.elementType);
          this.varint(BigInt(value.items.length));
        }
        for (const item of value.items) this.value(value.elementType, item, true);
        return;
      case 'map': {
        const size = value.entries.length / 2;
        this.varint(BigInt(size));
        if (size > 0) this.byte((value.keyType << 4) | value.valueType);
        value.entries.forEach((entry, index) => {
          this.value(index % 2 === 0 ? value.keyType : value.valueType, entry, true);
        });
        return;
      }
      case 'struct': {
        let last = 0;
        for (const field of value.fields) {
          const type =
            field.value.kind === 'bool' && (field.type === TRUE || field.type === FALSE)
              ? field.value.value
                ? TRUE
                : FALSE
              : field.type;
          const delta = field.id - last;
          if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
          else {
            this.byte(type);
            this.zigzag(BigInt(field.id));
          }
          this.value(type, field.value);
          last = field.id;
        }
        this.byte(0);
        return;
      }
    }
  }

  result(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Parquet's ConvertedType TIME_MILLIS and physical type INT32 (parquet.thrift). */
const CONVERTED_TIME_MILLIS = 7n;
const PHYSICAL_INT32 = 1n;

const int = (id: number, value: bigint): Field => ({ id, type: I32, value: { kind: 'int', value } });
const struct = (id: number, fields: Field[]): Field => ({
  id,
  type: STRUCT,
  value: { kind: 'struct', fields },
});

/** LogicalType union member 7 (TIME) with isAdjustedToUTC false and unit MILLIS (TimeUnit member 1). */
const timeMillisLogicalType = (): Field =>
  struct(10, [
    struct(7, [{ id: 1, type: FALSE, value: { kind: 'bool', value: false } }, struct(2, [struct(1, [])])]),
  ]);

const fieldOf = (value: Value, id: number): Field | undefined =>
  value.kind === 'struct' ? value.fields.find((field) => field.id === id) : undefined;

const textOf = (value: Value | undefined): string | undefined =>
  value?.kind === 'raw' ? new TextDecoder().decode(value.bytes) : undefined;

/** Annotates the named top-level INT32 columns as TIME(MILLIS) in the file's footer. */
export const annotateTimeMillis = async (path: string, columns: ReadonlySet<string>): Promise<void> => {
  if (columns.size === 0) return;
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(8);
    await handle.read(tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== MAGIC) throw new ParquetFooterError(`${path} is not a Parquet file`);
    const length = tail.readUInt32LE(0);
    const start = size - 8 - length;
    const footer = Buffer.alloc(length);
    await handle.read(footer, 0, length, start);
    const metadata = new Reader(footer).struct();
    const schema = fieldOf(metadata, 2)?.value;
    if (schema?.kind !== 'list') throw new ParquetFooterError(`${path} has no schema in its footer`);
    const found = new Set<string>();
    for (const element of schema.items) {
      if (element.kind !== 'struct') continue;
      const name = textOf(fieldOf(element, 4)?.value);
      if (name === undefined || !columns.has(name)) continue;
      const physical = fieldOf(element, 1)?.value;
      if (physical?.kind !== 'int' || physical.value !== PHYSICAL_INT32) {
        throw new ParquetFooterError(
          `column ${name} of ${path} is not INT32 and cannot be a millisecond TIME`,
        );
      }
      const kept = element.fields.filter((field) => field.id !== 6 && field.id !== 10);
      element.fields.splice(
        0,
        element.fields.length,
        ...[...kept, int(6, CONVERTED_TIME_MILLIS), timeMillisLogicalType()].sort((a, b) => a.id - b.id),
      );
      found.add(name);
    }
    const missing = [...columns].filter((name) => !found.has(name));
    if (missing.length > 0) throw new ParquetFooterError(`${path} has no column ${missing.join(', ')}`);
    const writer = new Writer();
    writer.value(STRUCT, metadata);
    const rewritten = writer.result();
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(rewritten.length, 0);
    trailer.write(MAGIC, 4, 'latin1');
    await handle.truncate(start);
    await handle.write(rewritten, 0, rewritten.length, start);
    await handle.write(trailer, 0, 8, start + rewritten.length);
  } finally {
    await handle.close();
  }
};

/** Decodes and re-encodes a footer without changes (for tests: the round trip must be byte-exact). */
export const reencodeFooter = (footer: Uint8Array): Uint8Array => {
  const writer = new Writer();
  writer.value(STRUCT, new Reader(footer).struct());
  return writer.result();
};
