/**
 * Runs the points of a sweep, in this thread (workers ≤ 1) or on a pool of worker threads (each worker loads the
 * compiled dist/sweep/worker.js and computes one point at a time), appending each result to `results.jsonl` in
 * the output directory as it finishes. A rerun with the same directory skips every point whose id already has a
 * result (status ok or diagnostics; `failed` points, i.e. internal errors, run again).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../compiler/paths.js';
import type { SweepPoint } from './grid.js';
import { runPoint } from './point.js';
import type { PointResult, SweepOptions } from './result.js';

export const RESULTS_JSONL = 'results.jsonl';

export interface RunControl {
  /** Worker threads (≤ 1: compute in this thread). */
  readonly workers: number;
  /** Output directory for results.jsonl (created); absent = keep results in memory only. */
  readonly outDir?: string;
  /** Compute at most this many new points in this call (the rest stay for a rerun). */
  readonly limit?: number;
  /** Called as each newly computed point finishes (done counts new points only). */
  readonly onPoint?: (r: PointResult, done: number, todo: number) => void;
  /** Called once before computing, with the number of points already done in outDir. */
  readonly onStart?: (skipped: number, todo: number) => void;
}

export interface SweepRun {
  /** Results of every point that has one, in grid order (earlier runs included). */
  readonly results: PointResult[];
  /** Points computed by this call. */
  readonly ran: number;
  /** Points found finished in outDir. */
  readonly skipped: number;
  /** Points still without a result (because of `limit`). */
  readonly remaining: number;
}

/** Results already in `dir/results.jsonl`, by id (a torn last line from a crash is ignored). */
export function readResults(dir: string): Map<string, PointResult> {
  const out = new Map<string, PointResult>();
  const path = join(dir, RESULTS_JSONL);
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as PointResult;
      if (typeof r.id === 'string' && r.status !== 'failed') out.set(r.id, r);
    } catch {
      // an incomplete line written while the process was killed: that point simply runs again
    }
  }
  return out;
}

/** The compiled worker script: next to this module in dist/, or in the package's dist/ when running sources. */
export function sweepWorkerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? pathToFileURL(join(packageRoot(), 'dist', 'sweep', 'worker.js')) : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`sweep: worker script ${fileURLToPath(url)} not found (build with \`npm run build\`)`);
  return url;
}

function failed(p: SweepPoint, o: SweepOptions, error: string): PointResult {
  return {
    id: p.id, index: p.index, seed: p.seed, values: p.values, sets: p.sets, mode: o.mode, status: 'failed', error,
    train_accuracy: null, test_accuracy: null, synaptic_events: null, learning_updates: null, spikes: null, energy_pj: null,
    overflow: {}, saturations: 0, wraps: 0, divergence: null, synapse_memory_bits: null, weight_rms_rel_error: null, prune: [], seconds: 0,
  };
}

/** Computes `todo` on `workers` threads; `done` is called in completion order. */
async function runPool(todo: readonly SweepPoint[], o: SweepOptions, workers: number, done: (r: PointResult) => void): Promise<void> {
  const url = sweepWorkerScript();
  let next = 0;
  const one = async (): Promise<void> => {
    if (next >= todo.length) return;
    const w = new Worker(url);
    try {
      while (next < todo.length) {
        const p = todo[next++]!;
        const r = await new Promise<PointResult>((resolve) => {
          const onMessage = (m: { result?: PointResult; error?: string }) => {
            cleanup();
            resolve(m.result ?? failed(p, o, m.error ?? 'worker sent no result'));
          };
          const onError = (e: Error) => {
            cleanup();
            resolve(failed(p, o, `worker error: ${e.message}`));
          };
          const cleanup = () => {
            w.off('message', onMessage);
            w.off('error', onError);
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.postMessage({ options: o, point: p });
        });
        done(r);
        if (r.status === 'failed' && r.error?.startsWith('worker error')) return; // that thread is gone
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, todo.length) }, one));
}

export async function runSweep(points: readonly SweepPoint[], o: SweepOptions, ctl: RunControl): Promise<SweepRun> {
  const have = ctl.outDir !== undefined ? readResults(ctl.outDir) : new Map<string, PointResult>();
  if (ctl.outDir !== undefined) mkdirSync(ctl.outDir, { recursive: true });
  const pending = points.filter((p) => !have.has(p.id));
  const skipped = points.length - pending.length;
  const todo = ctl.limit !== undefined ? pending.slice(0, ctl.limit) : pending;
  ctl.onStart?.(skipped, todo.length);
  const fresh = new Map<string, PointResult>();
  let count = 0;
  const record = (r: PointResult) => {
    fresh.set(r.id, r);
    if (ctl.outDir !== undefined) appendFileSync(join(ctl.outDir, RESULTS_JSONL), JSON.stringify(r) + '\n');
    count++; // outside the optional call: `f?.(++x)` skips the increment when f is absent
    ctl.onPoint?.(r, count, todo.length);
  };
  if (ctl.workers <= 1 || todo.length <= 1) {
    for (const p of todo) {
      let r: PointResult;
      try {
        r = await runPoint(o, p);
      } catch (e) {
        r = failed(p, o, (e as Error).stack ?? String(e));
      }
      record(r);
    }
  } else {
    await runPool(todo, o, ctl.workers, record);
  }
  const results: PointResult[] = [];
  for (const p of points) {
    const r = fresh.get(p.id) ?? have.get(p.id);
    if (r !== undefined) results.push({ ...r, index: p.index });
  }
  return { results, ran: count, skipped, remaining: points.length - results.length };
}
