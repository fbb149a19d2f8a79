import { AbortError, ApiException, FetchError } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { kindForStatus, toKubernetesApiError } from "../../../src/adapters/client-node-errors.js";
import { KubernetesApiError } from "../../../src/ports/kubernetes-port.js";

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message });

describe("toKubernetesApiError", () => {
  it.each([
    [400, "invalid"],
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not_found"],
    [408, "timeout"],
    [409, "conflict"],
    [410, "gone"],
    [422, "invalid"],
    [429, "server_error"],
    [500, "server_error"],
    [503, "server_error"],
    [504, "timeout"],
    [418, "invalid"],
  ] as const)("maps HTTP %i to %s", (code, kind) => {
    const error = toKubernetesApiError("readJob", new ApiException(code, "x", status(code, "R", "m"), {}));
    expect(error).toMatchObject({ kind, status: code, operation: "readJob" });
    expect(kindForStatus(code)).toBe(kind);
  });

  it("names the operation, the object, the Status reason and message, and a hint", () => {
    const error = toKubernetesApiError(
      { operation: "createJob", target: "agents/run-1" },
      new ApiException(
        409,
        "Unknown API Status Code!",
        status(409, "AlreadyExists", 'jobs.batch "run-1" already exists'),
        {},
      ),
    );
    expect(error.message).toBe(
      'createJob agents/run-1: HTTP 409: AlreadyExists: jobs.batch "run-1" already exists (the object already exists or changed concurrently)',
    );
  });

  it("keeps a non-JSON error body (a proxy's HTML) as the detail, shortened", () => {
    const error = toKubernetesApiError("listPods", new ApiException(502, "x", `<html>${"x".repeat(2000)}</html>`, {}));
    expect(error.kind).toBe("server_error");
    expect(error.message).toContain("HTTP 502: <html>");
    expect(error.message.length).toBeLessThan(700);
  });

  it("maps a Watch's non-200 answer (an Error with statusCode) by its status", () => {
    const watchError = Object.assign(new Error("Forbidden"), { statusCode: 403 });
    expect(toKubernetesApiError("watch", watchError)).toMatchObject({ kind: "forbidden", status: 403 });
  });

  it("maps the request-timeout abort to timeout and names the limit", () => {
    const error = toKubernetesApiError(
      { operation: "readJob", target: "a/b", timeoutMs: 250 },
      new AbortError("The user aborted a request."),
    );
    expect(error).toMatchObject({ kind: "timeout", transient: true });
    expect(error.message).toContain("no answer within 250 ms");
  });

  it("maps refused, reset and timed-out connections to network / timeout, keeping the errno", () => {
    const systemError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const refused = new FetchError("request to http://x failed, reason: connect ECONNREFUSED", "system", systemError);
    const connectTimeout = Object.assign(new Error("connect ETIMEDOUT 10.0.0.1:443"), { code: "ETIMEDOUT" });
    expect(toKubernetesApiError("listJobs", refused)).toMatchObject({ kind: "network", transient: true });
    expect(toKubernetesApiError("listJobs", refused).message).toContain("ECONNREFUSED");
    expect(toKubernetesApiError("listJobs", connectTimeout).kind).toBe("timeout");
  });

  it("treats an unreadable 2xx body as a server error, and passes a KubernetesApiError through", () => {
    expect(toKubernetesApiError("readJob", new SyntaxError("Unexpected token <")).kind).toBe("server_error");
    const original = new KubernetesApiError("gone", "watch", "410");
    expect(toKubernetesApiError("other", original)).toBe(original);
  });
});
