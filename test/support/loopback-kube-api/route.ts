/** Which apiserver operation an HTTP request is: verb, resource, namespace and name. */
import type { Verb } from "./faults.js";

export interface Route {
  readonly verb: Verb;
  /** `jobs`, `pods`, `secrets`, `selfsubjectaccessreviews`, or whatever unknown path was asked. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string | undefined;
  readonly query: URLSearchParams;
}

export function parseRoute(method: string, url: URL): Route | undefined {
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const query = url.searchParams;
  let rest: string[];
  if (parts[0] === "api" && parts[1] === "v1") rest = parts.slice(2);
  else if (parts[0] === "apis" && parts[1] === "batch" && parts[2] === "v1") rest = parts.slice(3);
  else if (parts[0] === "apis" && parts[1] === "authorization.k8s.io" && parts[2] === "v1") rest = parts.slice(3);
  else return undefined;
  let namespace = "";
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? "";
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || subresource !== undefined) return undefined;
  const watching = query.get("watch") === "true" || query.get("watch") === "1";
  const verb = verbOf(method, name !== undefined, watching);
  return verb && { verb, resource, namespace, name, query };
}

function verbOf(method: string, named: boolean, watching: boolean): Verb | undefined {
  switch (method) {
    case "GET":
      return named ? "get" : watching ? "watch" : "list";
    case "POST":
      return "create";
    case "PATCH":
      return "patch";
    case "PUT":
      return "update";
    case "DELETE":
      return "delete";
    default:
      return undefined;
  }
}
