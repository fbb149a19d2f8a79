import { describe } from "vitest";
import { chaosSuite } from "../../support/chaos/chaos-suite.js";
import { CI_POINTS } from "./ci-points.js";

// CI's bounded count: one trial per point in CI_POINTS (the bench runs every point and random kills).
describe("chaos on the loopback cluster: the server process SIGKILLed at each point", () => {
  chaosSuite({ runtime: "loopback", points: CI_POINTS, perPoint: 1, random: 0 });
});
