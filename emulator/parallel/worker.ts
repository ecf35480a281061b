/**
 * Entry point of one worker thread of the parallel emulator (loaded from the compiled `dist/`; pooled, see
 * pool.ts). Each `{ init }` message starts a session for one emulator: the worker builds its share of the cores,
 * reports ready, and then, per START signal of the main thread, computes either one step (integrate its cores,
 * meet the other threads at the integrate barrier, deliver the step's spikes into its cores, report arrival) or,
 * for a pipelined run of n steps, n of them back to back, meeting the others only at each step's integrate
 * barrier and reporting arrival once at the end; see parallel-emulator.ts for the protocol. The session ends
 * when the emulator sets CTL_STOP; the worker then waits for its next emulator.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE, CTL_ERROR, CTL_READY, CTL_RUN_STEPS, CTL_START, CTL_STEP, CTL_STOP, sourceCountWord, type ThreadInit,
} from './layout.js';
import { arrive, SpinBudget, ThreadShare, waitAtLeast } from './thread-share.js';

const { errorPort } = workerData as { errorPort: MessagePort };

function session(init: ThreadInit): void {
  const ctrl = init.ctrl;
  const fail = (): never => {
    throw new Error('another thread failed');
  };
  try {
    const share = new ThreadShare(init);
    arrive(ctrl, CTL_READY);
    const atStart = new SpinBudget(init.spin);
    const atIntegrate = new SpinBudget(init.spin);
    let starts = 0;
    /** Integrate barriers passed (one per step, in both modes). */
    let rounds = 0;
    for (;;) {
      starts++;
      waitAtLeast(ctrl, CTL_START, starts, atStart, fail);
      if (Atomics.load(ctrl, CTL_STOP) !== 0) break;
      const first = Atomics.load(ctrl, CTL_STEP);
      const n = Atomics.load(ctrl, CTL_RUN_STEPS);
      if (n > 0) share.beginRun();
      for (let t = first; t < first + Math.max(n, 1); t++) {
        share.integrate(t);
        arrive(ctrl, CTL_ARRIVE_INTEGRATE);
        rounds++;
        waitAtLeast(ctrl, CTL_ARRIVE_INTEGRATE, init.threads * rounds, atIntegrate, fail);
        share.route(t, Atomics.load(ctrl, sourceCountWord(t)));
        if (n > 0) share.stepCycles(t);
      }
      arrive(ctrl, CTL_ARRIVE_ROUTE);
    }
  } catch (e) {
    if (Atomics.load(ctrl, CTL_STOP) === 0) {
      errorPort.postMessage(`worker thread ${init.thread}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      Atomics.store(ctrl, CTL_ERROR, 1);
      for (const i of [CTL_START, CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE, CTL_READY]) Atomics.notify(ctrl, i);
    }
  }
}

parentPort!.on('message', (msg: { init: ThreadInit }) => session(msg.init));
