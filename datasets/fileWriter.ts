// hyparquet-writer's byte sink, backed by a file handle: each row group is encoded into memory, then written out
// with one positioned write; a buffer grown for a huge row group is given back afterwards.
import { open, type FileHandle } from 'node:fs/promises';
import { ByteWriter } from 'hyparquet-writer';

/** The encoding buffer is kept up to this size between row groups; a larger one (a huge document) is released. */
const KEEP_BYTES = 8 << 20;

export class FileWriter extends ByteWriter {
  private written: Promise<unknown> = Promise.resolve();
  private position = 0;

  private constructor(private readonly fh: FileHandle) {
    super(1 << 20);
  }

  static async open(path: string): Promise<FileWriter> {
    return new FileWriter(await open(path, 'w'));
  }

  /** Writes what has been encoded; the encoder waits for it before it reuses the buffer. */
  flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    const at = this.position;
    this.position += this.index;
    const done = this.written.then(async () => {
      for (let off = 0; off < bytes.length; ) off += (await this.fh.write(bytes, off, bytes.length - off, at + off)).bytesWritten;
    });
    this.written = done;
    return done.then(() => {
      this.index = 0;
      if (this.buffer.byteLength > KEEP_BYTES) {
        this.buffer = new ArrayBuffer(1 << 20);
        this.view = new DataView(this.buffer);
      }
    });
  }

  flushed(): Promise<unknown> {
    return this.written;
  }

  override finish(): Promise<void> {
    return this.flush();
  }

  async close(): Promise<void> {
    await this.written;
    await this.fh.close();
  }
}
