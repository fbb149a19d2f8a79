/**
 * What every LogPort binding is wrapped in. Server log lines quote what others wrote (API error
 * text, paths), so each line goes through adapter-utils' diagnostic redaction (bearer headers,
 * `KEY=value` secrets, token shapes, JSON secret fields) and loses every value the composition root
 * knows is secret (the local runtime's credentials). A sink that throws never reaches the watch or
 * sweep that wrote the line: logging is best effort, their work is not.
 */
import { redactDiagnosticText, REDACTED_COMMAND_TEXT_VALUE } from "@paperclipai/adapter-utils/command-redaction";
import type { LogPort } from "./ports/log-port.js";

/** Shorter values could match ordinary words; the pattern redaction still covers their shapes. */
const MIN_KNOWN_SECRET_LENGTH = 8;

export function guardedLog(sink: LogPort, knownSecrets: Iterable<string> = []): LogPort {
  const secrets = [...knownSecrets].filter((value) => value.length >= MIN_KNOWN_SECRET_LENGTH);
  const clean = (line: string): string => {
    let text = redactDiagnosticText(line);
    for (const secret of secrets) text = text.split(secret).join(REDACTED_COMMAND_TEXT_VALUE);
    return text;
  };
  const write = (level: keyof LogPort, line: string): void => {
    try {
      sink[level](clean(line));
    } catch {
      // Dropped on purpose: see above.
    }
  };
  return { info: (line) => write("info", line), warn: (line) => write("warn", line) };
}
