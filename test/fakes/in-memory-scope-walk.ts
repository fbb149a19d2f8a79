/**
 * InMemoryFileSystem's version of the adapter's verified walk: a scoped path must lie strictly
 * inside the scope's root, and nothing but a directory may stand at any component on the way
 * (EUNSAFEPATH naming what does), as the real adapter refuses a planted symlink or file.
 */
import { FileSystemError, type PathScope } from "../../src/ports/file-system-port.js";

/**
 * Throws EUNSAFEPATH unless `path` is inside `scope` with only directories on the way;
 * `wholePath` checks `path` itself as a directory too. `foundAt` says what stands at a path that
 * is not a directory ("a symlink", "a FIFO", ...), undefined for a directory or nothing.
 */
export function checkScopedPath(
  path: string,
  scope: PathScope,
  wholePath: boolean,
  foundAt: (path: string) => string | undefined,
): void {
  const root = scope.under.replace(/\/+$/, "");
  const unsafe = (found: string) => new FileSystemError("EUNSAFEPATH", path, `${path} is refused: ${found}`, found);
  const below = path.startsWith(`${root}/`) ? path.slice(root.length + 1).split("/") : null;
  if (below === null || below.some((part) => part === "" || part === "." || part === "..")) {
    throw unsafe(`it is not inside the run-log root ${scope.under}`);
  }
  const directories = wholePath ? below : below.slice(0, -1);
  let current = root;
  for (const component of directories) {
    current = `${current}/${component}`;
    const found = foundAt(current);
    if (found !== undefined) throw unsafe(`${found} stands where the directory "${component}" should be`);
  }
}
