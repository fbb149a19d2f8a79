/** `testEnvironment(ctx)`: runs the domain's EnvironmentProbe and maps its checks to Paperclip's shape. */
import { randomUUID } from "node:crypto";
import type { AdapterEnvironmentTestContext, AdapterEnvironmentTestResult } from "@paperclipai/adapter-utils";
import { buildPaperclipEnv, isForbiddenConfigEnvKey } from "@paperclipai/adapter-utils/server-utils";
import { parseAdapterConfig } from "../domain/config/parse-config.js";
import { ADAPTER_TYPE } from "./adapter-type.js";
import { paperclipRunLogRoot } from "./build-run-request.js";
import type { RunServicesProvider } from "./run-services.js";
import { readServerSettings, refuseServerSideSettings } from "./server-settings.js";

export function createTestEnvironment(services: RunServicesProvider, hostEnv: NodeJS.ProcessEnv = process.env) {
  return async function testEnvironment(ctx: AdapterEnvironmentTestContext): Promise<AdapterEnvironmentTestResult> {
    const testedAt = new Date().toISOString();
    const fail = (code: string, message: string, hint?: string): AdapterEnvironmentTestResult => ({
      adapterType: ADAPTER_TYPE,
      status: "fail",
      checks: [{ code, level: "error", message, ...(hint ? { hint } : {}) }],
      testedAt,
    });
    try {
      const config = parseAdapterConfig(ctx.config, { isForbiddenEnvKey: isForbiddenConfigEnvKey, serverEnv: hostEnv });
      if (!config.ok) return fail("invalid_config", config.failure.errorMessage);
      const serverSide = refuseServerSideSettings(config.value, readServerSettings(hostEnv));
      if (serverSide) return fail(serverSide.errorCode, serverSide.errorMessage);
      const unavailable = services.unavailable?.(config.value);
      if (unavailable) return fail(unavailable.errorCode, unavailable.errorMessage);
      const root = paperclipRunLogRoot(config.value, hostEnv);
      if (!root.ok) return fail(root.failure.errorCode, root.failure.errorMessage);
      // The same helper builds a run's env: its PAPERCLIP_API_URL is what a local-runtime run falls back to.
      const localApiUrl = buildPaperclipEnv({
        id: "environment-test",
        companyId: ctx.companyId,
      }).PAPERCLIP_API_URL;
      const report = await services
        .for(config.value)
        .environment.probe(config.value, root.value, `.claude-k8s-probe-${randomUUID()}`, { localApiUrl });
      return {
        adapterType: ADAPTER_TYPE,
        status: report.status,
        checks: report.checks.map((c) => ({ ...c })),
        testedAt,
      };
    } catch (error) {
      return fail("internal_error", `Environment test failed unexpectedly: ${(error as Error).message}`);
    }
  };
}
