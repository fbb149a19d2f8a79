/** A client-node KubeConfig that points at a loopback apiserver over plain HTTP with a bearer token. */
import { KubeConfig } from "@kubernetes/client-node";

export function loopbackKubeConfig(url: string, token: string, namespace = "default"): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "loopback", server: url, skipTLSVerify: true }],
    users: [{ name: "loopback-user", token }],
    contexts: [{ name: "loopback", cluster: "loopback", user: "loopback-user", namespace }],
    currentContext: "loopback",
  });
  return config;
}
