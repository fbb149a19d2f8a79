import { describe, expect, it } from "vitest";
import { isLoopbackUrl, resolvePodApiUrl } from "../../../src/domain/job/api-url.js";

const sources = {
  configured: "",
  serverPodValue: null,
  localValue: "http://localhost:3100",
  allowLoopback: false,
};

describe("isLoopbackUrl", () => {
  it.each([
    "http://localhost:3100",
    "http://LOCALHOST",
    "http://api.localhost:80",
    "http://127.0.0.1:3100",
    "http://127.8.9.10",
    "http://[::1]:3100",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0:3100",
  ])("treats %s as loopback", (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    "http://paperclip.paperclip.svc:3100",
    "https://paperclip.example.com",
    "http://10.0.0.5:3100",
    "http://128.0.0.1",
  ])("treats %s as reachable from a pod", (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe("resolvePodApiUrl", () => {
  it("uses the configured URL first, then the server pod's", () => {
    expect(resolvePodApiUrl({ ...sources, configured: "http://a.svc", serverPodValue: "http://b.svc" })).toEqual({
      ok: true,
      value: "http://a.svc",
    });
    expect(resolvePodApiUrl({ ...sources, serverPodValue: " http://b.svc " })).toEqual({
      ok: true,
      value: "http://b.svc",
    });
  });

  it("names where a refused URL came from", () => {
    const result = resolvePodApiUrl({ ...sources, serverPodValue: "http://127.0.0.1:3100" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorCode).toBe("paperclip_api_url_unreachable");
    expect(result.failure.errorMessage).toContain("the Paperclip server pod's PAPERCLIP_API_URL env");
  });

  it("refuses a value that is not an http(s) URL", () => {
    const result = resolvePodApiUrl({ ...sources, serverPodValue: "paperclip:3100" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorMessage).toContain("not an http(s) URL");
  });

  it("with loopback allowed, falls back to Paperclip's run env value", () => {
    expect(resolvePodApiUrl({ ...sources, allowLoopback: true })).toEqual({ ok: true, value: "http://localhost:3100" });
  });
});
