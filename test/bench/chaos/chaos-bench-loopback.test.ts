import { describe } from "vitest";
import { chaosSuite } from "../../support/chaos/chaos-suite.js";

// The full count on the loopback cluster: CHAOS_PER_POINT trials at each of the 7 points (default 4) and
// CHAOS_RANDOM at a random moment (default 22); the other runtime's file runs beside it.
describe("chaos bench on the loopback cluster: the server process SIGKILLed, full count", () => {
  chaosSuite({
    runtime: "loopback",
    perPoint: Number(process.env.CHAOS_PER_POINT ?? 4),
    random: Number(process.env.CHAOS_RANDOM ?? 22),
  });
});
