/**
 * A process-wide pool of the parallel emulator's worker threads. A worker is a fresh V8 isolate that compiles its
 * JavaScript again (the WebAssembly kernels are compiled once and shared): its first ~1,000 steps of CUBA 16k
 * take ≈ 100 ms more than later ones (docs/performance.md). Returning workers to a pool when an emulator closes
 * lets the next emulator in the same process — the next size of a benchmark, the next run of a sweep — start
 * with compiled code. Idle workers are unref'd: they never keep the process alive.
 *
 * A worker serves one emulator at a time: it receives `{ init }`, runs worker.ts's step loop until the emulator
 * stops it, then waits for the next message. A worker that failed, or that an emulator left in the middle of a
 * run, is terminated instead of returned.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface PooledWorker {
  readonly worker: Worker;
  /** Failure messages of the worker's current emulator (`receiveMessageOnPort`). */
  readonly errors: MessagePort;
  /** The worker script it runs (a pool serves one script per URL). */
  readonly script: string;
  /** Set once the worker exited or was terminated: never handed out again. */
  gone: boolean;
}

const idle: PooledWorker[] = [];

function dropIdle(w: PooledWorker): void {
  const k = idle.indexOf(w);
  if (k >= 0) idle.splice(k, 1);
}

/** An idle worker of `script`, or a new one. Its error port is drained of an earlier emulator's messages. */
export function acquireWorker(script: URL): PooledWorker {
  const k = idle.findIndex((w) => !w.gone && w.script === script.href);
  if (k >= 0) {
    const w = idle.splice(k, 1)[0]!;
    while (receiveMessageOnPort(w.errors) !== undefined);
    return w;
  }
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(script, { workerData: { errorPort: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  const w: PooledWorker = { worker, errors: port1, script: script.href, gone: false };
  // a worker that exits (terminated, or crashed) must never be handed out again
  worker.on('exit', () => {
    w.gone = true;
    dropIdle(w);
  });
  return w;
}

/** Back to the pool, ready for another emulator (its step loop has ended or is about to). */
export function releaseWorker(w: PooledWorker): void {
  if (!w.gone && !idle.includes(w)) idle.push(w);
}

/** Terminates a worker that cannot be reused (it failed, or stopped in the middle of a run). */
export function discardWorker(w: PooledWorker): void {
  w.gone = true;
  dropIdle(w);
  w.errors.close();
  void w.worker.terminate();
}

/** Idle workers now (for tests and diagnostics). */
export function idleWorkers(): number {
  return idle.length;
}
