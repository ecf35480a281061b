/**
 * What the trainer needs from a learning engine beyond `LearningEngine.onStep`: the engine's time gates
 * (`t mod 250 ms >= 50 ms`) measure time from the start of the current sample, which only the host knows, and a
 * checkpoint must hold the engine's own mutable state (traces, registers). Every method is optional so any
 * `LearningEngine` can be used; without `saveState`/`loadState` a resumed run cannot be bit-identical and the
 * trainer says so.
 */
import type { DendriteIr } from '../ir/types.js';
import type { LearningEngine } from '../emulator/learning-engine.js';
import type { CoreRuntime } from '../emulator/state.js';

export interface HostedLearningEngine extends LearningEngine {
  /**
   * The first step of the sample now being presented (the step number `emu.t + 1` before its first `step()`).
   * Time gates see time-since-sample-start = step − sampleStart (0 at the first step of the sample).
   */
  setSampleStart?(step: number): void;
  /** Epoch `epoch` (0-based) starts: per-epoch registers take their value for it. */
  setEpoch?(epoch: number): void;
  /** All mutable state, as a value of plain objects, numbers and typed arrays (deep-copied). */
  saveState?(): unknown;
  /** Restores what `saveState` returned; `cores` are the emulator's run-time cores (engines index them lazily). */
  loadState?(state: unknown, cores: readonly CoreRuntime[]): void;
  /** Resets traces etc. to their initial values (called with `reset_between`, never touches weights). */
  resetState?(): void;
}

/** Builds the engine for an IR (null = the IR has nothing to learn). Called once per emulator. */
export type LearningEngineFactory = (ir: DendriteIr, seed: number) => LearningEngine | null;

export function asHosted(e: LearningEngine | null): HostedLearningEngine | null {
  return e as HostedLearningEngine | null;
}
