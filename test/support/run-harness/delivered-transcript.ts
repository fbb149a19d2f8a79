/**
 * What a run delivered to onLog, read back as a transcript: every chunk must be one whole line,
 * each a stream-json event; their byte total is compared with the pod's own trailer count.
 */
export interface DeliveredTranscript {
  /** The event types, in delivery order. */
  readonly types: string[];
  /** Event uuids in delivery order (the stand-in gives each event a fresh one). */
  readonly uuids: string[];
  /** The first text block of each assistant event, in delivery order. */
  readonly assistantTexts: string[];
  readonly bytes: number;
  /** Chunks that were not exactly one newline-terminated line. */
  readonly malformedChunks: string[];
}

interface StreamEvent {
  readonly type?: string;
  readonly uuid?: string;
  readonly message?: { readonly content?: ReadonlyArray<{ readonly type?: string; readonly text?: string }> };
}

export function deliveredTranscript(chunks: readonly string[]): DeliveredTranscript {
  const events = chunks.map((chunk) => {
    try {
      return JSON.parse(chunk) as StreamEvent;
    } catch {
      return {};
    }
  });
  return {
    types: events.map((event) => event.type ?? "(not json)"),
    uuids: events.map((event) => event.uuid ?? "").filter((uuid) => uuid !== ""),
    assistantTexts: events
      .filter((event) => event.type === "assistant")
      .map((event) => event.message?.content?.find((block) => block.type === "text")?.text ?? "")
      .filter((text) => text !== ""),
    bytes: chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0),
    malformedChunks: chunks.filter((chunk) => !chunk.endsWith("\n") || chunk.indexOf("\n") !== chunk.length - 1),
  };
}
