/**
 * Wiring the compiler checks. inversify's `toResolvedValue(factory, [tokens])` accepts any symbol
 * for any parameter, so two swapped tokens compile and fail at run time. Here each dependency is a
 * typed port token or a service class, and its type must match the constructor's (or factory's)
 * parameter in the same position: a mis-wired service is a type error.
 */
import type { BindInWhenOnFluentSyntax, Container, MapToResolvedValueInjectOptions, Newable } from "inversify";
import type { PortToken } from "./ports/port-token.js";

/** What a dependency is looked up by: a port's token, or the class of a domain service. */
export type Dependency<T> = PortToken<T> | Newable<T>;

export type Dependencies<A extends readonly unknown[]> = { readonly [K in keyof A]: Dependency<A[K]> };

/** Binds a port's token (or a class) to a value the caller built. */
export function bindConstant<T>(container: Container, id: Dependency<T>, value: T): void {
  container.bind<T>(id).toConstantValue(value);
}

/**
 * Binds a domain service to its class, built (once) on first use from the ports and services in
 * `dependencies`, one per constructor parameter in order; trailing optional parameters may be left out.
 */
export function bindService<T, A extends unknown[]>(
  container: Container,
  service: new (...args: A) => T,
  dependencies: Dependencies<NoInfer<A>>,
): BindInWhenOnFluentSyntax<T> {
  return bindResolved(container, service, dependencies, (...args: A) => new service(...args));
}

/** Binds `id` to what `make` builds from `dependencies`, resolved (once) on first use. */
export function bindResolved<T, A extends unknown[]>(
  container: Container,
  id: Dependency<T>,
  dependencies: Dependencies<A>,
  make: (...args: A) => T,
): BindInWhenOnFluentSyntax<T> {
  // The same identifiers inversify takes; only their types are stricter than inversify's own.
  return container.bind<T>(id).toResolvedValue(make, dependencies as MapToResolvedValueInjectOptions<A>);
}
