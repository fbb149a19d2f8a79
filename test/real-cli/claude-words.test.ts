/**
 * claude's own words reach the run's errorMessage: what the real CLI 2.1 printed for an unknown
 * session, a subscription's limit, an unknown model and a turn limit of 1.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { apiErrors, byTurn, reply } from "../support/anthropic-api-double/index.js";
import { RealCliWorld } from "./support/real-cli-world.js";

const PROMPT = "Summarise the README.\n";

describe("claude's own words in the run's errorMessage (real CLI, API double)", () => {
  let world: RealCliWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("an unknown session keeps claude's 'No conversation found' line", async () => {
    world = await RealCliWorld.start();
    const missing = randomUUID();
    const report = await world.harness.start(world.request({ prompt: PROMPT, resumeSessionId: missing })).done;
    expect(report.outcome.failure?.errorCode).toBe("session_unavailable");
    expect(report.outcome.failure?.errorMessage).toContain(`No conversation found with session ID: ${missing}`);
  });

  it("a subscription's limit keeps claude's 'You've hit your 5-hour limit · resets …'", async () => {
    world = await RealCliWorld.start("oauth");
    world.model.respond(byTurn(apiErrors.subscriptionLimitReached(new Date(Date.now() + 3 * 3600_000))));
    const report = await world.harness.start(world.request({ prompt: PROMPT })).done;
    expect(report.outcome.failure?.errorCode).toBe("provider_quota");
    expect(report.outcome.failure?.errorMessage).toMatch(/You've hit your 5-hour limit · resets \d/);
  });

  it("an unknown model keeps claude's 'There's an issue with the selected model'", async () => {
    world = await RealCliWorld.start();
    world.model.respond(byTurn(apiErrors.modelNotFound("claude-nope-1")));
    const report = await world.harness.start(world.request({ prompt: PROMPT }, { model: "claude-nope-1" })).done;
    expect(report.outcome.failure?.errorCode).toBe("model_not_found");
    expect(report.outcome.failure?.errorMessage).toContain("There's an issue with the selected model (claude-nope-1)");
  });

  it("a turn limit of 1 is reported as 1, as claude says 'Reached maximum number of turns (1)'", async () => {
    world = await RealCliWorld.start();
    world.model.respond(byTurn(reply.bash("echo one"), reply.text("never reached")));
    const report = await world.harness.start(world.request({ prompt: PROMPT }, { maxTurnsPerRun: 1 })).done;
    expect(report.outcome.failure?.errorCode).toBe("max_turns_exhausted");
    expect(report.outcome.failure?.errorMessage).toMatch(/\b1 turn\b|maximum number of turns \(1\)/);
  });
});
