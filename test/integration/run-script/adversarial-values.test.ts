import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildManifests, createPodWorld, deliverPrompt, runPod, type PodWorld } from "./pod-harness.js";

const KiB = 1024;
const MiB = 1024 * KiB;
let world: PodWorld;

afterEach(() => world?.cleanup());

/** Values that a shell or Kubernetes would act on if they were not passed literally. */
const HOSTILE = [
  "it's a 'quoted' \"value\"",
  "$(touch PWNED-dollar)",
  "`touch PWNED-backtick`",
  "${HOME} $HOME $$ $(HOME) $$(HOME)",
  "line one\nline two\n; touch PWNED-newline",
  "日本語 — émoji 🎉 \u202e",
  "; touch PWNED-semicolon && echo | cat",
  "\\ backslash \\n \\' end\\",
  "",
];

const splitNul = (buffer: Buffer): string[] => buffer.toString("utf8").split("\0").slice(0, -1);

function recordedEnv(): Map<string, string> {
  const entries = splitNul(readFileSync(join(world.recordDir, "env")));
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

function nothingWasExecuted(): void {
  const dirs = [world.root, world.spec.config.dataMountPath, world.spec.workingDirectory, world.recordDir];
  for (const dir of dirs) expect(readdirSync(dir).filter((name) => name.startsWith("PWNED"))).toEqual([]);
}

describe("hostile values reach claude literally and are never executed", () => {
  it("in claude's arguments (extraArgs, model, add-dir, resume id)", async () => {
    world = createPodWorld({
      config: { extraArgs: HOSTILE, model: HOSTILE[1]! },
    });
    // An extra directory must be one the pod can see: a hostile name inside the working directory.
    const addDir = `${world.spec.workingDirectory}/${HOSTILE[4]!}`;
    const manifests = buildManifests({
      ...world.spec,
      claude: { resumeSessionId: HOSTILE[2]!, freshSessionId: null, appendSystemPromptFile: null, addDirs: [addDir] },
    });
    await deliverPrompt(world.paths, "p");
    const run = await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    expect(run.exitCode).toBe(0);
    expect(splitNul(readFileSync(join(world.recordDir, "argv")))).toEqual(manifests.command.slice(1));
    expect(manifests.command.slice(-HOSTILE.length)).toEqual(HOSTILE);
    nothingWasExecuted();
  });

  it("in env from config.env, Paperclip's run env and context", async () => {
    const configEnv = Object.fromEntries(HOSTILE.map((value, i) => [`HOSTILE_${i}`, value]));
    world = createPodWorld({ config: { env: configEnv } });
    const spec = {
      ...world.spec,
      env: { PAPERCLIP_RUN_ID: HOSTILE[3]!, CTX: HOSTILE[1]! },
    };
    const manifests = buildManifests(spec);
    await deliverPrompt(world.paths, "p");
    const run = await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    expect(run.exitCode).toBe(0);
    const env = recordedEnv();
    for (const [name, value] of Object.entries(configEnv)) {
      // An empty config value still reaches claude as an empty variable.
      expect(env.get(name)).toBe(value);
    }
    expect(env.get("PAPERCLIP_RUN_ID")).toBe(HOSTILE[3]);
    expect(env.get("CTX")).toBe(HOSTILE[1]);
    nothingWasExecuted();
  });

  it("in the prompt, which arrives on claude's stdin unchanged", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    const prompt = HOSTILE.join("\n");
    await deliverPrompt(world.paths, prompt);
    await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    expect(readFileSync(join(world.recordDir, "stdin"), "utf8")).toBe(prompt);
    nothingWasExecuted();
  });

  it("in the data mount path (so every run file path) and the working directory", async () => {
    world = createPodWorld({ dataDirName: "it's $(touch PWNED-dir) `touch PWNED-tick` $$ \n" });
    const hostileDir = join(world.spec.config.dataMountPath, "work 'dir' $(touch PWNED-cwd)");
    mkdirSync(hostileDir, { recursive: true });
    const spec = { ...world.spec, workingDirectory: hostileDir };
    const manifests = buildManifests(spec);
    await deliverPrompt(world.paths, "p");
    const run = await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(world.recordDir, "cwd"), "utf8")).toBe(`${hostileDir}\n`);
    expect(readFileSync(world.paths.trailer, "utf8")).toContain('"exitCode":0');
    nothingWasExecuted();
  });
});

describe("the environment claude runs with", () => {
  it("has the run token from the Secret, HOME in the agent's own home and the pod-reachable API URL", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    await deliverPrompt(world.paths, "p");
    await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    const env = recordedEnv();
    expect(env.get("PAPERCLIP_API_KEY")).toBe(world.spec.apiToken);
    expect(env.get("HOME")).toBe(
      `${world.spec.config.dataMountPath}/claude-k8s/companies/${world.spec.tenantId}/agents/${world.spec.agentId}/home`,
    );
    expect(env.get("PAPERCLIP_API_URL")).toBe("http://paperclip.paperclip.svc:3100");
  });
});

/** Exactly `size` UTF-8 bytes: a marker, then multi-byte text and shell syntax, padded with ASCII. */
function promptOfBytes(size: number): string {
  const marker = "PROMPT-MARKER ";
  const unit = "línea ✓ $(x) `y` 'z'\n";
  const unitBytes = Buffer.byteLength(unit);
  let text = size >= marker.length ? marker : "";
  let bytes = text.length;
  const parts = [text];
  while (bytes + unitBytes <= size) {
    parts.push(unit);
    bytes += unitBytes;
  }
  parts.push("a".repeat(size - bytes));
  text = parts.join("");
  return text;
}

describe("prompt delivery through the shared volume", () => {
  it.each([
    ["0 B", 0],
    ["1 KiB", KiB],
    ["127 KiB (under one env var's 128 KiB cap)", 127 * KiB],
    ["129 KiB (over one env var's cap)", 129 * KiB],
    ["1 MiB (a Secret's cap)", MiB],
    ["5 MiB", 5 * MiB],
  ])("a %s prompt reaches claude's stdin byte for byte and never the Job", async (_label, size) => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    const prompt = promptOfBytes(size);
    expect(Buffer.byteLength(prompt)).toBe(size);
    await deliverPrompt(world.paths, prompt);
    const run = await runPod(manifests, world, { FAKE_CLAUDE_RECORD_DIR: world.recordDir });
    expect(run.exitCode).toBe(0);
    const received = readFileSync(join(world.recordDir, "stdin"));
    expect(received.length).toBe(size);
    expect(received.equals(Buffer.from(prompt, "utf8"))).toBe(true);
    expect(JSON.stringify(manifests)).not.toContain("PROMPT-MARKER");
  });
});
