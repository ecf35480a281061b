/**
 * Worker-thread entry of `dendrite sweep --workers W`: receives `{ options, point }`, computes the point with
 * the same `runPoint` as the in-thread path, and posts `{ result }` (or `{ error }` for an internal failure).
 * Loaded from dist/ (sweep/runner.ts `sweepWorkerScript`).
 */
import { parentPort } from 'node:worker_threads';
import { runPoint } from './point.js';
import type { SweepPoint } from './grid.js';
import type { SweepOptions } from './result.js';

parentPort?.on('message', (m: { options: SweepOptions; point: SweepPoint }) => {
  runPoint(m.options, m.point).then(
    (result) => parentPort!.postMessage({ result }),
    (e: unknown) => parentPort!.postMessage({ error: (e as Error)?.stack ?? String(e) }),
  );
});
