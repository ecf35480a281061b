/**
 * Entry point of one worker thread of a parallel run (loaded from the compiled `dist/`). It waits for the main
 * thread's step signal, integrates its cores, meets the other threads at the integrate barrier, delivers the
 * step's spikes into its cores, and reports arrival; see parallel-emulator.ts for the protocol.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import {
  CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE, CTL_ERROR, CTL_READY, CTL_SOURCE_COUNT, CTL_START, CTL_STEP, CTL_STOP, type ThreadInit,
} from './layout.js';
import { arrive, SpinBudget, ThreadShare, waitAtLeast } from './thread-share.js';

const { init, errorPort } = workerData as { init: ThreadInit; errorPort: MessagePort };
const ctrl = init.ctrl;

function fail(): never {
  throw new Error('another thread failed');
}

try {
  const share = new ThreadShare(init);
  arrive(ctrl, CTL_READY);
  const atStart = new SpinBudget(init.spin);
  const atIntegrate = new SpinBudget(init.spin);
  let seq = 0;
  for (;;) {
    seq++;
    waitAtLeast(ctrl, CTL_START, seq, atStart, fail);
    if (Atomics.load(ctrl, CTL_STOP) !== 0) break;
    const t = Atomics.load(ctrl, CTL_STEP);
    share.integrate(t);
    arrive(ctrl, CTL_ARRIVE_INTEGRATE);
    waitAtLeast(ctrl, CTL_ARRIVE_INTEGRATE, init.threads * seq, atIntegrate, fail);
    share.route(t, Atomics.load(ctrl, CTL_SOURCE_COUNT));
    arrive(ctrl, CTL_ARRIVE_ROUTE);
  }
} catch (e) {
  if (Atomics.load(ctrl, CTL_STOP) === 0) {
    errorPort.postMessage(`worker thread ${init.thread}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    Atomics.store(ctrl, CTL_ERROR, 1);
    for (const i of [CTL_START, CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE, CTL_READY]) Atomics.notify(ctrl, i);
  }
} finally {
  errorPort.close();
}
