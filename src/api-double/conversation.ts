/**
 * Reading a Messages API request the way a test asks about it: what prompt the model was given
 * this run, and how many model turns this run has already had.
 */

export interface MessagesRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: ReadonlyArray<{ readonly role: string; readonly content: unknown }>;
  readonly [key: string]: unknown;
}

type Block = { readonly type?: unknown; readonly text?: unknown };

function blocksOf(content: unknown): Block[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** Text blocks the CLI adds around the user's words (`<system-reminder>…`), not part of the prompt. */
function isCliReminder(text: string): boolean {
  return text.startsWith("<system-reminder>");
}

function promptBlocks(message: { readonly role: string; readonly content: unknown }): string[] {
  if (message.role !== "user") return [];
  return blocksOf(message.content)
    .filter((block) => block.type === "text" && typeof block.text === "string" && !isCliReminder(block.text))
    .map((block) => block.text as string);
}

/** Index of the last user message that carries typed words (not only tool results), or -1. */
function lastPromptIndex(body: MessagesRequestBody): number {
  const messages = body.messages ?? [];
  for (let index = messages.length - 1; index >= 0; index--) {
    if (promptBlocks(messages[index]!).length > 0) return index;
  }
  return -1;
}

/**
 * The prompt this run gave the model: the text blocks of the last user message that is not only
 * tool results, without the CLI's own reminders. One element per block, so a prompt split or
 * prefixed by anything shows up in a comparison.
 */
export function promptOf(body: MessagesRequestBody): string[] {
  const index = lastPromptIndex(body);
  return index < 0 ? [] : promptBlocks(body.messages![index]!);
}

/** Assistant turns since this run's prompt: 0 for the first call of a run, 1 after one tool round, ... */
export function turnOf(body: MessagesRequestBody): number {
  const messages = body.messages ?? [];
  return messages.slice(lastPromptIndex(body) + 1).filter((message) => message.role === "assistant").length;
}

/** Every tool result's text the model has been sent, in order. */
export function toolResultsOf(body: MessagesRequestBody): string[] {
  const results: string[] = [];
  for (const message of body.messages ?? []) {
    if (message.role !== "user") continue;
    for (const block of blocksOf(message.content) as Array<Block & { content?: unknown }>) {
      if (block.type !== "tool_result") continue;
      if (typeof block.content === "string") results.push(block.content);
      else
        results.push(
          blocksOf(block.content)
            .map((inner) => (typeof inner.text === "string" ? inner.text : ""))
            .join(""),
        );
    }
  }
  return results;
}
