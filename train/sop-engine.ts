/**
 * The project's learning engine (`emulator/learning/engine.ts`, `SopLearningEngine`) as the trainer uses it:
 * created from the IR's microcode, with the engine's own public state methods (`saveState`, `loadState`,
 * `reset`) behind the trainer's optional `HostedLearningEngine` hooks.
 */
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { createLearningEngine, LearningStateMismatch, SopLearningEngine, type SopEngineState } from '../emulator/learning/engine.js';
import type { DendriteIr } from '../ir/types.js';
import type { HostedLearningEngine } from './host-engine.js';
import { SnapshotMismatch } from './snapshot.js';

export type { SopEngineState } from '../emulator/learning/engine.js';

/** The trainer's view of a `SopLearningEngine`: its own methods, plus `resetState` for `reset_between`. */
export type HostedSopEngine = SopLearningEngine & HostedLearningEngine;

/**
 * A `LearningEngineFactory` for IRs with `sop` microcode: null when the IR has no learning programs; throws
 * `LearningSetupError` with the engine's diagnostics when the microcode is invalid.
 */
export function sopEngine(ir: DendriteIr): HostedSopEngine | null {
  if (ir.learning.length === 0) return null;
  const { engine, diagnostics } = createLearningEngine(ir);
  if (engine === undefined) throw new LearningSetupError(diagnostics);
  // saveState is the engine's own. loadState ignores the trainer's `cores` argument (the engine binds to the
  // emulator's cores at its next step) and reports a state of another shape as a checkpoint mismatch, which the
  // CLI turns into a diagnostic. resetState is the trainer's name for `reset`.
  const hosted = engine as HostedSopEngine;
  const load = engine.loadState.bind(engine);
  hosted.loadState = (s: unknown) => {
    try {
      load(s as SopEngineState);
    } catch (e) {
      if (e instanceof LearningStateMismatch) throw new SnapshotMismatch(e.message);
      throw e;
    }
  };
  hosted.resetState = () => engine.reset();
  return hosted;
}

export class LearningSetupError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'LearningSetupError';
  }
}
