// Lint rules, including the hexagonal layer rules: a wrong arrow between rooms fails CI.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NODE_IO = ["node:*", "fs", "fs/*", "child_process", "net", "http", "https", "os", "path", "timers", "timers/*"];
const ADAPTERS = ["**/adapters", "**/adapters/**"];
const EDGE_AND_ROOT = [
  "**/paperclip",
  "**/paperclip/**",
  "**/container",
  "**/container.js",
  "**/core.js",
  "**/index.js",
];

const restrict = (groups, message) => ({ group: groups, message });

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-shadow": "off",
      "@typescript-eslint/no-shadow": "error",
    },
  },
  {
    // Domain: services and value types. Only domain and ports; time and I/O come through ports.
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(NODE_IO, "The domain does no I/O: use a port (FileSystemPort, KubernetesPort, ClockPort)."),
            restrict(["@kubernetes/*"], "The domain never imports the Kubernetes client: use KubernetesPort."),
            restrict(["@paperclipai/*"], "The domain is free of Paperclip: map at src/paperclip."),
            restrict(["inversify", "reflect-metadata"], "Wiring lives in the composition root only."),
            restrict(ADAPTERS, "The domain depends on ports, never on adapters."),
            restrict(EDGE_AND_ROOT, "The domain never imports the edge or the composition root."),
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "process", "Buffer"].map(
          (name) => ({ name, message: "The domain gets time and the environment through ports (ClockPort)." }),
        ),
      ],
    },
  },
  {
    // The stream-json module is inlined into the UI parser's browser bundle: it imports only its own files.
    files: ["src/domain/stream-json/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./)",
              message: "The stream-json module runs in the browser's UI parser: it imports only its own files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The UI parser is one self-contained file in Paperclip's browser: at run time only the stream-json module.
    files: ["src/ui-parser/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./|\\.\\./domain/stream-json/)",
              allowTypeImports: true,
              message: "The UI parser is bundled for the browser: at run time it imports only ../domain/stream-json.",
            },
          ],
        },
      ],
    },
  },
  {
    // Ports: interfaces and their DI identifiers. Nothing concrete.
    files: ["src/ports/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(NODE_IO, "Ports are interfaces: no I/O."),
            restrict(
              ["@kubernetes/*", "@paperclipai/*", "inversify"],
              "Ports are shaped for the domain, not a library.",
            ),
            restrict(ADAPTERS, "Ports never import adapters."),
            restrict(["**/domain", "**/domain/**"], "Ports do not depend on domain services."),
            restrict(EDGE_AND_ROOT, "Ports never import the edge or the composition root."),
          ],
        },
      ],
    },
  },
  {
    // Adapters implement ports; they never reach up into the edge or the composition root.
    files: ["src/adapters/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            restrict(["@paperclipai/*"], "Adapters are Paperclip-free."),
            restrict(EDGE_AND_ROOT, "Adapters never import the edge or the composition root."),
          ],
        },
      ],
    },
  },
  {
    // Only the composition root and the Paperclip edge may import adapters.
    files: ["src/**/*.ts"],
    ignores: ["src/container.ts", "src/paperclip/**", "src/adapters/**", "src/domain/**", "src/ports/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [restrict(ADAPTERS, "Only src/container.ts and src/paperclip import adapters.")] },
      ],
    },
  },
);
