/** The default LogPort: one line per call on the process's stderr, where a server's log is collected. */
import type { LogPort } from "../ports/log-port.js";

export class StderrLog implements LogPort {
  info(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    process.stderr.write(`${line}\n`);
  }
}
