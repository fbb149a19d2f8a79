/** SelfSubjectAccessReview answers: allowed unless `verb resource[/subresource]` is in the denied set. */

export function answerAccessReview(body: Record<string, unknown>, denied: ReadonlySet<string>): object {
  const review = body as { spec?: { resourceAttributes?: Record<string, string | undefined> } };
  const attributes = review.spec?.resourceAttributes ?? {};
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const allowed = !denied.has(`${attributes.verb} ${resource}`);
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: review.spec ?? {},
    status: allowed
      ? { allowed: true, reason: "loopback: allowed" }
      : { allowed: false, reason: `loopback: ${attributes.verb} ${resource} is denied` },
  };
}
