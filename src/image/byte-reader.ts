// Pull-style reader over an async byte stream: exact reads and bounded pass-through.

/** Reads exact byte counts from an AsyncIterable without holding more than one chunk. */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private buf: Uint8Array = new Uint8Array(0);
  private eof = false;
  /** Total bytes consumed so far. */
  position = 0;

  constructor(src: AsyncIterable<Uint8Array>) {
    this.it = src[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.buf.length === 0 && !this.eof) {
      const r = await this.it.next();
      if (r.done) this.eof = true;
      else this.buf = r.value;
    }
    return this.buf.length > 0;
  }

  /** Reads exactly n bytes, or fewer only at end of stream. */
  async read(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = Math.min(n - got, this.buf.length);
      parts.push(this.buf.subarray(0, take));
      this.buf = this.buf.subarray(take);
      got += take;
    }
    this.position += got;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  }

  /** Yields the next n bytes in pieces (stops early at end of stream). */
  async *chunks(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0 && (await this.fill())) {
      const take = Math.min(left, this.buf.length);
      const piece = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      this.position += take;
      yield piece;
    }
  }

  /** Discards n bytes; returns how many were actually skipped. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    for await (const c of this.chunks(n)) skipped += c.length;
    return skipped;
  }

  /** Peeks at up to n bytes without consuming them. */
  async peek(n: number): Promise<Uint8Array> {
    const head = await this.read(n);
    this.position -= head.length;
    this.buf = this.buf.length ? Buffer.concat([head, this.buf]) : head;
    return head;
  }

  /** Stops the underlying iterator. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}
