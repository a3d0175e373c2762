// The slice of parquetjs-lite's API sluice uses (the package ships no types).
declare module 'parquetjs-lite' {
  export interface FieldSpec {
    type: string;
    optional?: boolean;
    compression?: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'BROTLI';
    statistics?: boolean;
  }
  export class ParquetSchema {
    constructor(fields: Record<string, FieldSpec>);
    fieldList: { name: string; primitiveType: string; originalType?: string }[];
  }
  export class ParquetWriter {
    static openFile(schema: ParquetSchema, path: string, opts?: object): Promise<ParquetWriter>;
    appendRow(row: Record<string, unknown>): Promise<void>;
    setRowGroupSize(rows: number): void;
    setMetadata(key: string, value: string): void;
    close(): Promise<void>;
  }
  export interface ParquetCursor {
    next(): Promise<Record<string, unknown> | null>;
  }
  export class ParquetReader {
    static openFile(path: string): Promise<ParquetReader>;
    getCursor(columns?: string[]): ParquetCursor;
    getRowCount(): number | bigint | { toNumber(): number };
    getSchema(): ParquetSchema;
    getMetadata(): Record<string, string>;
    close(): Promise<void>;
  }
  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter; ParquetReader: typeof ParquetReader };
  export default parquet;
}
