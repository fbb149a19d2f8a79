/**
 * Entry of the `./ui-parser` bundle (one self-contained CommonJS file; see parse-stdout-line.ts).
 * Build: esbuild src/ui-parser/index.ts --bundle --format=cjs --platform=neutral --target=es2020 --outfile=dist/ui-parser.cjs
 */
export { parseStdoutLine } from "./parse-stdout-line.js";
