/** Keeps only the last `limit` characters of a stream of text (stderr), so memory stays bounded. */
export class BoundedTextTail {
  private text = "";

  constructor(private readonly limit: number) {}

  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  toString(): string {
    return this.text;
  }
}
