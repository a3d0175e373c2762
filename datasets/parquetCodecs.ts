// Gives parquetjs-lite a native BROTLI codec (its own is "not supported"): quality 1 compresses text
// better than its pure-JS snappy at about 1.5x the speed, and every Parquet reader (pyarrow, Polars, DuckDB) reads it.
import { createRequire } from 'node:module';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

interface Codec {
  deflate: (value: Buffer) => Buffer;
  inflate: (value: Buffer) => Buffer;
}

const require = createRequire(import.meta.url);
const compression = require('parquetjs-lite/lib/compression.js') as { PARQUET_COMPRESSION_METHODS: Record<string, Codec> };

const BROTLI_QUALITY = 1;

compression.PARQUET_COMPRESSION_METHODS.BROTLI = {
  deflate: (value) => brotliCompressSync(value, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: value.length } }),
  inflate: (value) => brotliDecompressSync(value),
};

export const PARQUET_TEXT_CODEC = 'BROTLI' as const;
