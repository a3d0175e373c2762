// The Arrow token-shard format: an uncompressed Arrow IPC *file*, one row per document:
//   tokens: List<Uint16> (List<Uint32> when the vocabulary needs more than 16 bits), doc_id: Utf8, source: Utf8
// The List's offsets and values are the document index and the token stream: no separate index file.
// Schema metadata says what made it (format, version, tokenizer hash, vocabulary, end-of-text id, dtype).
import { Field, List, RecordBatch, Schema, Struct, Table, Uint16, Uint32, Utf8, makeData, tableToIPC, vectorFromArray } from 'apache-arrow';

export const SHARD_FORMAT = 'sluice.tokens';
export const SHARD_VERSION = '1';

export interface ShardMeta {
  tokenizerHash: string;
  tokenizerName: string;
  vocabSize: number;
  eotId: number;
  pipeline: string;
  split: 'train' | 'val';
}

export type TokenDtype = 'uint16' | 'uint32';

export function dtypeFor(vocabSize: number): TokenDtype {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

export function shardSchema(meta: ShardMeta): Schema {
  const dtype = dtypeFor(meta.vocabSize);
  const item = dtype === 'uint16' ? new Uint16() : new Uint32();
  const metadata = new Map<string, string>([
    ['format', SHARD_FORMAT],
    ['version', SHARD_VERSION],
    ['tokenizer_hash', meta.tokenizerHash],
    ['tokenizer', meta.tokenizerName],
    ['vocab_size', String(meta.vocabSize)],
    ['eot_id', String(meta.eotId)],
    ['dtype', dtype],
    ['pipeline', meta.pipeline],
    ['split', meta.split],
  ]);
  return new Schema(
    [new Field('tokens', new List(new Field('item', item, false)), false), new Field('doc_id', new Utf8(), false), new Field('source', new Utf8(), false)],
    metadata,
  );
}

export interface ShardDocs {
  /** tokens of all documents, concatenated */
  values: Uint16Array | Uint32Array;
  /** offsets[i]..offsets[i+1] are document i's tokens (length docs + 1) */
  offsets: Int32Array;
  docIds: string[];
  sources: string[];
}

/** One record batch of documents, zero-copy from the typed arrays. */
export function recordBatch(schema: Schema, d: ShardDocs): RecordBatch {
  const listType = schema.fields[0].type as List;
  const values = makeData({ type: listType.valueType, length: d.values.length, nullCount: 0, data: d.values });
  const tokens = makeData({ type: listType, length: d.docIds.length, nullCount: 0, valueOffsets: d.offsets, child: values });
  const ids = vectorFromArray(d.docIds, new Utf8()).data[0];
  const sources = vectorFromArray(d.sources, new Utf8()).data[0];
  const struct = makeData({ type: new Struct(schema.fields), length: d.docIds.length, nullCount: 0, children: [tokens, ids, sources] });
  return new RecordBatch(schema, struct);
}

/** The bytes of a shard file made of the given record batches. */
export function shardBytes(schema: Schema, batches: RecordBatch[]): Uint8Array {
  return tableToIPC(new Table(schema, batches), 'file');
}
