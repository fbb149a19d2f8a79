/**
 * A port's identifier in the composition root. The symbol carries the port's type, so wiring a
 * service with the wrong port (a clock where a file system belongs) is a compile error, not a
 * runtime surprise.
 */
declare const portType: unique symbol;

export type PortToken<T> = symbol & { readonly [portType]?: T };

export function portToken<T>(name: string): PortToken<T> {
  return Symbol.for(`claude-k8s.${name}`) as PortToken<T>;
}
