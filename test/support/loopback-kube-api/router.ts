/**
 * HTTP → apiserver semantics: parses the path into verb, resource, namespace and name, counts the
 * request, applies injected delays and faults, and answers with objects or Status bodies.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeletePropagation } from "../../../src/ports/kubernetes-port.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import type { FaultPlan, RequestCounter } from "./faults.js";
import type { JobController } from "../../../src/adapters/cluster-model/job-controller.js";
import { answerAccessReview } from "./access-review.js";
import { applyMergePatch } from "./merge-patch.js";
import { parseRoute, type Route } from "./route.js";
import {
  notFound,
  type ObjectStore,
  type ResourceName,
  type ResourceTypes,
} from "../../../src/adapters/cluster-model/object-store.js";
import { requestSelector, statusError, statusOf, successStatus, type KubeStatus } from "./status.js";
import { validateJob } from "./validation.js";
import type { WatchHub } from "./watch-hub.js";

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MERGE_PATCH_TYPES = new Set(["application/merge-patch+json", "application/strategic-merge-patch+json"]);
const PROPAGATIONS = new Set<DeletePropagation>(["Background", "Foreground", "Orphan"]);

const LIST_KIND: Record<ResourceName, { kind: string; apiVersion: string }> = {
  jobs: { kind: "JobList", apiVersion: "batch/v1" },
  pods: { kind: "PodList", apiVersion: "v1" },
  secrets: { kind: "SecretList", apiVersion: "v1" },
};
const OBJECT_KIND: Record<ResourceName, { kind: string; apiVersion: string }> = {
  jobs: { kind: "Job", apiVersion: "batch/v1" },
  pods: { kind: "Pod", apiVersion: "v1" },
  secrets: { kind: "Secret", apiVersion: "v1" },
};

export interface AccessPolicy {
  /** `verb resource` or `verb resource/subresource` answered allowed=false. */
  readonly denied: Set<string>;
}

export interface RouterDeps {
  readonly store: ObjectStore;
  readonly controller: JobController;
  readonly watches: WatchHub;
  readonly faults: FaultPlan;
  readonly counter: RequestCounter;
  readonly access: AccessPolicy;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  readonly watchTimeoutMs: number | undefined;
  readonly delay: (ms: number) => Promise<void>;
}

export class Router {
  constructor(private readonly deps: RouterDeps) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? "/", "http://loopback");
      const route = parseRoute(request.method ?? "GET", url);
      if (!route) throw statusError(404, "the server could not find the requested resource", "NotFound");
      this.deps.counter.count(route.verb, route.resource);
      if (this.deps.token !== undefined && request.headers.authorization !== `Bearer ${this.deps.token}`) {
        throw statusError(401, "Unauthorized", "Unauthorized");
      }
      const delayMs = this.deps.faults.takeDelayMs(route.verb, route.resource);
      if (delayMs > 0) await this.deps.delay(delayMs);
      const fault = this.deps.faults.takeFault(route.verb, route.resource);
      if (fault) return send(response, fault.code, fault);
      const body = await readBody(request);
      await this.serve(route, request, body, response);
    } catch (error) {
      const status = statusOf(error);
      if (!response.headersSent) send(response, status.code, status);
      else response.end();
    }
  }

  private async serve(route: Route, request: IncomingMessage, body: unknown, response: ServerResponse): Promise<void> {
    const { store, controller } = this.deps;
    const { verb, namespace, name, query } = route;
    if (route.resource === "selfsubjectaccessreviews" && verb === "create") {
      return send(response, 201, answerAccessReview(asObject(body), this.deps.access.denied));
    }
    const resource = asResource(route.resource);
    if (!resource || (!namespace && verb !== "create")) {
      throw statusError(404, "the server could not find the requested resource", "NotFound");
    }
    switch (verb) {
      case "get": {
        const object = store.get(resource, namespace, name ?? "");
        if (!object) throw notFound(resource, name ?? "");
        return send(response, 200, object);
      }
      case "list": {
        const items = store.list(resource, namespace, requestSelector(query.get("labelSelector")));
        const metadata = { resourceVersion: String(store.currentResourceVersion) };
        return send(response, 200, { ...LIST_KIND[resource], metadata, items });
      }
      case "watch": {
        const timeoutSeconds = query.get("timeoutSeconds");
        this.deps.watches.open(
          {
            resource,
            namespace,
            selector: requestSelector(query.get("labelSelector")),
            resourceVersion: query.get("resourceVersion") ?? undefined,
            allowBookmarks: query.get("allowWatchBookmarks") === "true",
            timeoutMs: timeoutSeconds ? Number(timeoutSeconds) * 1000 : this.deps.watchTimeoutMs,
          },
          response,
        );
        return;
      }
      case "create": {
        if (resource === "pods") throw statusError(405, "pods are created by the loopback job controller only");
        const object = asObject(body);
        if (resource === "jobs") validateJob(object as unknown as Job);
        const created = store.create(resource, namespace, {
          ...OBJECT_KIND[resource],
          ...object,
        } as unknown as ResourceTypes[typeof resource]);
        return send(response, 201, created);
      }
      case "patch": {
        const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
        if (!MERGE_PATCH_TYPES.has(type)) {
          throw statusError(
            415,
            `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json (got "${type}")`,
          );
        }
        const patch = asObject(body);
        const updated = store.update(resource, namespace, name ?? "", (object) => {
          const target = object as unknown as Record<string, unknown>;
          const merged = applyMergePatch(target, patch) as Record<string, unknown>;
          // status is a subresource: a patch of the main resource never changes it.
          merged.status = target.status;
          for (const key of Object.keys(target)) delete target[key];
          Object.assign(target, merged);
        });
        return send(response, 200, updated);
      }
      case "delete": {
        if (!name)
          throw statusError(405, "deletecollection is not served by the loopback apiserver", "MethodNotAllowed");
        const options = body && typeof body === "object" ? (body as { propagationPolicy?: string }) : {};
        const policy = query.get("propagationPolicy") ?? options.propagationPolicy ?? "Background";
        if (!PROPAGATIONS.has(policy as DeletePropagation)) {
          throw statusError(400, `propagationPolicy: Unsupported value: "${policy}"`, "BadRequest");
        }
        const gone =
          resource === "jobs"
            ? await controller.deleteJob(namespace, name, policy as DeletePropagation)
            : resource === "pods"
              ? await controller.pods.delete(namespace, name)
              : store.delete(resource, namespace, name);
        if (!gone) throw notFound(resource, name);
        return send(response, 200, successStatus({ name, kind: resource, uid: gone.metadata.uid }));
      }
      case "update":
        throw statusError(405, "PUT is not served by the loopback apiserver; use PATCH", "MethodNotAllowed");
    }
  }
}

function asResource(resource: string): ResourceName | undefined {
  return resource === "jobs" || resource === "pods" || resource === "secrets" ? resource : undefined;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw statusError(400, "the request body must be a JSON object", "BadRequest");
  }
  return body as Record<string, unknown>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw statusError(413, "Request entity too large: limit is 3145728");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch (error) {
    throw statusError(400, `the request body is not valid JSON: ${(error as Error).message}`, "BadRequest");
  }
}

function send(response: ServerResponse, code: number, body: object | KubeStatus): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}
