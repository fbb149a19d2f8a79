// A probe for libuv's thread pool, on its own event loop (a worker thread shares the process's
// pool but not the main thread's event loop): one positional read of a small file every 100 ms,
// each wait posted to the parent. Stops on any message.
import { open } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";

const handle = await open(workerData.file, "r");
let running = true;
parentPort.on("message", () => (running = false));
while (running) {
  const started = performance.now();
  await handle.read(new Uint8Array(16), 0, 16, 0);
  parentPort.postMessage(performance.now() - started);
  await sleep(100);
}
await handle.close();
parentPort.close();
