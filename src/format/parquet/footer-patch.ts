/**
 * Layer: format/parquet. Rewrites the schema in a finished Parquet footer so chosen leaf columns carry the
 * UUID / JSON logical types, which parquet-wasm drops along with Arrow's extension types.
 */
import type { ThriftField, ThriftStruct, ThriftValue } from './thrift-compact.js';
import { readThriftStruct, writeThriftStruct } from './thrift-compact.js';

export interface FooterPatch {
  /** Leaf columns (path of schema element names from the root, e.g. ['id'] or ['tags','list','item']) that get the UUID logical type. */
  readonly uuidColumns: readonly (readonly string[])[];
  /** Leaf columns that get converted_type JSON (19) + logicalType JSON. */
  readonly jsonColumns: readonly (readonly string[])[];
}

const MAGIC = new TextEncoder().encode('PAR1');
// Thrift field ids from parquet.thrift.
const FILE_SCHEMA = 2;
const FILE_NUM_ROWS = 3;
const ELEMENT_TYPE = 1;
const ELEMENT_TYPE_LENGTH = 2;
const ELEMENT_NAME = 4;
const ELEMENT_NUM_CHILDREN = 5;
const ELEMENT_CONVERTED_TYPE = 6;
const ELEMENT_LOGICAL_TYPE = 10;
const BYTE_ARRAY = 6;
const FIXED_LEN_BYTE_ARRAY = 7;
const CONVERTED_JSON = 19;
const LOGICAL_JSON = 12;
const LOGICAL_UUID = 14;

interface Footer {
  /** Offset of the FileMetaData inside the tail. */
  readonly start: number;
  readonly meta: ThriftStruct;
}

/**
 * Given the final bytes of a Parquet file that contain the whole footer (tail = ...data..., footer, 4-byte LE
 * footer length, 'PAR1'), return the new tail with the patched footer. Bytes before the footer are returned
 * unchanged. Throws if the tail does not hold the complete footer or the magic is wrong.
 */
export function patchParquetTail(tail: Uint8Array, patch: FooterPatch): Uint8Array {
  const footer = locateFooter(tail);
  // Nothing to change: skip the re-encode so the caller gets its exact bytes back.
  if (patch.uuidColumns.length === 0 && patch.jsonColumns.length === 0) return tail;
  const schema = schemaOf(footer.meta);
  const leaves = leafIndexes(schema);
  const patched = [...schema];
  const seen = new Set<string>();
  for (const path of patch.uuidColumns) {
    const i = resolveLeaf(leaves, path, seen);
    patched[i] = asUuid(patched[i]!, path);
  }
  for (const path of patch.jsonColumns) {
    const i = resolveLeaf(leaves, path, seen);
    patched[i] = asJson(patched[i]!, path);
  }
  const elements = patched.map((value): ThriftValue => ({ kind: 'struct', value }));
  const meta = withField(footer.meta, FILE_SCHEMA, { kind: 'list', elem: 'struct', value: elements });
  return assembleTail(tail.subarray(0, footer.start), writeThriftStruct(meta));
}

/** num_rows (FileMetaData field 3) from a tail that holds the complete footer. */
export function footerRowCount(tail: Uint8Array): bigint {
  const numRows = fieldOf(locateFooter(tail).meta, FILE_NUM_ROWS);
  if (numRows?.kind !== 'i64') throw new Error('Parquet footer has no num_rows');
  return numRows.value;
}

function locateFooter(tail: Uint8Array): Footer {
  if (tail.length < 8) throw new Error(`Parquet tail of ${tail.length} bytes cannot hold a footer`);
  if (!MAGIC.every((b, i) => tail[tail.length - 4 + i] === b)) {
    throw new Error('Parquet tail does not end with the PAR1 magic (encrypted footers are not supported)');
  }
  const length = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(tail.length - 8, true);
  const start = tail.length - 8 - length;
  if (start < 0) {
    throw new Error(
      `Parquet footer is ${length} bytes but the tail holds only ${tail.length - 8} before its length`,
    );
  }
  const parsed = parseFooter(tail.subarray(start, tail.length - 8));
  if (parsed.end !== length) throw new Error(`Parquet footer ends at byte ${parsed.end} of ${length}`);
  return { start, meta: parsed.struct };
}

function parseFooter(bytes: Uint8Array): ReturnType<typeof readThriftStruct> {
  try {
    // Only the schema and num_rows are decoded; row groups (the bulk of a big footer) stay raw bytes.
    return readThriftStruct(bytes, 0, (id) => id === FILE_SCHEMA || id === FILE_NUM_ROWS);
  } catch (err) {
    throw new Error(`Parquet footer is not a valid FileMetaData: ${(err as Error).message}`);
  }
}

function assembleTail(before: Uint8Array, meta: Uint8Array): Uint8Array {
  const out = new Uint8Array(before.length + meta.length + 8);
  out.set(before);
  out.set(meta, before.length);
  new DataView(out.buffer).setUint32(before.length + meta.length, meta.length, true);
  out.set(MAGIC, out.length - 4);
  return out;
}

function schemaOf(meta: ThriftStruct): ThriftStruct[] {
  const schema = fieldOf(meta, FILE_SCHEMA);
  if (schema?.kind !== 'list' || schema.elem !== 'struct')
    throw new Error('Parquet footer has no schema list');
  return schema.value.map((element) => (element.kind === 'struct' ? element.value : []));
}

/** Maps each leaf's path (JSON-encoded, root excluded) to its index in the depth-first schema list. */
function leafIndexes(schema: readonly ThriftStruct[]): Map<string, number> {
  const leaves = new Map<string, number>();
  let next = 1;
  const visit = (parent: readonly string[]): void => {
    const index = next++;
    const element = schema[index];
    if (element === undefined) throw new Error('Parquet schema is shorter than its num_children announce');
    const path = [...parent, nameOf(element)];
    const children = intOf(element, ELEMENT_NUM_CHILDREN);
    // The spec leaves num_children unset on primitives; a group always has it, even when 0.
    if (children === undefined) leaves.set(JSON.stringify(path), index);
    for (let c = 0; c < (children ?? 0); c++) visit(path);
  };
  for (let c = 0; c < (intOf(schema[0] ?? [], ELEMENT_NUM_CHILDREN) ?? 0); c++) visit([]);
  return leaves;
}

function resolveLeaf(
  leaves: ReadonlyMap<string, number>,
  path: readonly string[],
  seen: Set<string>,
): number {
  const key = JSON.stringify(path);
  const index = leaves.get(key);
  if (index === undefined) {
    const known = [...leaves.keys()].map((k) => (JSON.parse(k) as string[]).join('.'));
    throw new Error(
      `Parquet footer patch: no leaf column ${path.join('.')} (leaf columns: ${known.join(', ')})`,
    );
  }
  if (seen.has(key))
    throw new Error(`Parquet footer patch: column ${path.join('.')} is listed more than once`);
  seen.add(key);
  return index;
}

function asUuid(element: ThriftStruct, path: readonly string[]): ThriftStruct {
  if (intOf(element, ELEMENT_TYPE) !== FIXED_LEN_BYTE_ARRAY || intOf(element, ELEMENT_TYPE_LENGTH) !== 16) {
    throw new Error(`Parquet footer patch: UUID column ${path.join('.')} is not FIXED_LEN_BYTE_ARRAY(16)`);
  }
  // No converted type exists for UUID; a leftover one would contradict the logical type.
  const plain = element.filter((f) => f.id !== ELEMENT_CONVERTED_TYPE);
  return withField(plain, ELEMENT_LOGICAL_TYPE, logicalType(LOGICAL_UUID));
}

function asJson(element: ThriftStruct, path: readonly string[]): ThriftStruct {
  if (intOf(element, ELEMENT_TYPE) !== BYTE_ARRAY) {
    throw new Error(`Parquet footer patch: JSON column ${path.join('.')} is not BYTE_ARRAY`);
  }
  // Both annotations: older readers only understand converted_type, newer ones prefer logicalType.
  const converted = withField(element, ELEMENT_CONVERTED_TYPE, { kind: 'i32', value: CONVERTED_JSON });
  return withField(converted, ELEMENT_LOGICAL_TYPE, logicalType(LOGICAL_JSON));
}

/** A LogicalType union holding one empty member struct (JsonType, UUIDType). */
function logicalType(member: number): ThriftValue {
  return { kind: 'struct', value: [{ id: member, value: { kind: 'struct', value: [] } }] };
}

/** Replaces field `id`, or inserts it before the first larger id so the wire order stays ascending. */
function withField(struct: ThriftStruct, id: number, value: ThriftValue): ThriftStruct {
  const rest = struct.filter((f) => f.id !== id);
  const at = rest.findIndex((f) => f.id > id);
  const field: ThriftField = { id, value };
  return at < 0 ? [...rest, field] : [...rest.slice(0, at), field, ...rest.slice(at)];
}

function fieldOf(struct: ThriftStruct, id: number): ThriftValue | undefined {
  return struct.find((f) => f.id === id)?.value;
}

function intOf(struct: ThriftStruct, id: number): number | undefined {
  const value = fieldOf(struct, id);
  return value?.kind === 'i32' ? value.value : undefined;
}

function nameOf(element: ThriftStruct): string {
  const name = fieldOf(element, ELEMENT_NAME);
  if (name?.kind !== 'binary') throw new Error('Parquet schema element has no name');
  return new TextDecoder().decode(name.value);
}
