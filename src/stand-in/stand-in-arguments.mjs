/**
 * The stand-in's command line, read as claude reads it: flags with and without values, the prompt from
 * the positional argument and stdin, and the flag combinations real claude refuses.
 */
import { readFileSync } from "node:fs";

/** Flags that take a value; anything else starting with "-" is a switch (unknown ones tolerated). */
const VALUE_FLAGS = new Set([
  "--output-format",
  "--input-format",
  "--resume",
  "-r",
  "--model",
  "--effort",
  "--max-turns",
  "--append-system-prompt-file",
  "--append-system-prompt",
  "--system-prompt",
  "--add-dir",
  "--permission-mode",
  "--mcp-config",
  "--allowedTools",
  "--disallowedTools",
  "--session-id",
  "--fallback-model",
  "--settings",
]);

export function parseArguments(argv) {
  const options = { flags: new Map(), switches: new Set(), positional: [], addDirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-" || !arg.startsWith("-")) {
      options.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      setFlag(options, arg.slice(0, eq), arg.slice(eq + 1));
    } else if (VALUE_FLAGS.has(arg) && i + 1 < argv.length) {
      setFlag(options, arg, argv[++i]);
    } else {
      options.switches.add(arg);
    }
  }
  return options;
}

function setFlag(options, name, value) {
  if (name === "--add-dir") options.addDirs.push(value);
  else options.flags.set(name === "-r" ? "--resume" : name, value);
}

function readStdin() {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

/** As claude: stdin is the prompt; a positional prompt (even "-") comes first, stdin after a newline. */
export function readPrompt(options) {
  const positional = options.positional[0];
  const piped = readStdin();
  if (positional === undefined) return piped;
  return piped === "" ? positional : `${positional}\n${piped}`;
}

/** Flag combinations real claude refuses; refusing them too catches a wrong command line early. */
export function usageError(options) {
  const format = options.flags.get("--output-format") ?? "text";
  const print = options.switches.has("--print") || options.switches.has("-p");
  if (!print) return "Error: STAND-IN only supports non-interactive use (--print)";
  if (format === "stream-json" && !options.switches.has("--verbose")) {
    return "Error: When using --print, --output-format=stream-json requires --verbose";
  }
  if (!["text", "json", "stream-json"].includes(format)) {
    return `Error: Invalid output format "${format}"`;
  }
  const file = options.flags.get("--append-system-prompt-file");
  if (file !== undefined) {
    try {
      readFileSync(file);
    } catch {
      return `Error: Append system prompt file not found: ${file}`;
    }
  }
  return undefined;
}
