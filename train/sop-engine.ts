/**
 * The project's learning engine (`emulator/learning/engine.ts`, `SopLearningEngine`) as the trainer uses it:
 * created from the IR's microcode, with checkpoint support (`saveState`/`loadState`) added from the outside.
 *
 * The engine's mutable state is: the sample start, the modulator registers and which of them the host has set,
 * and per unit (program × triggering synapse group) its trace arrays, which the engine allocates at its first
 * step. These are private fields; they are read here with TypeScript's (type-checked) element access, so a
 * change in engine.ts fails to compile here instead of silently producing incomplete checkpoints. A public
 * save/restore on the engine itself would be cleaner (noted in the report to the lead).
 */
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { createLearningEngine, SopLearningEngine } from '../emulator/learning/engine.js';
import type { CoreRuntime } from '../emulator/state.js';
import type { DendriteIr } from '../ir/types.js';
import type { HostedLearningEngine } from './host-engine.js';

export interface SopEngineState {
  readonly sampleStart: number;
  readonly regs: Float64Array;
  readonly hostSet: number[];
  readonly built: boolean;
  /** Per unit, per trace: values. */
  readonly traces: Int32Array[][];
}

export function saveSopState(e: SopLearningEngine): SopEngineState {
  return {
    sampleStart: e['sampleStart'],
    regs: e['regs'].slice(),
    hostSet: [...e['hostSet']].sort((a, b) => a - b),
    built: e['built'],
    traces: e['units'].map((u) => u.traces.map((t) => t.slice())),
  };
}

/** Restores `saveSopState`'s value; `cores` are the emulator's run-time cores (the engine indexes them). */
export function loadSopState(e: SopLearningEngine, s: SopEngineState, cores: readonly CoreRuntime[]): void {
  e['sampleStart'] = s.sampleStart;
  e['regs'] = s.regs.slice();
  const hs = e['hostSet'];
  hs.clear();
  for (const i of s.hostSet) hs.add(i);
  if (s.built && !e['built']) e['build'](cores);
  const units = e['units'];
  if (units.length !== s.traces.length) throw new Error(`learning state: ${s.traces.length} units saved, ${units.length} in the engine`);
  units.forEach((u, i) => {
    const saved = s.traces[i]!;
    if (saved.length !== u.traces.length) throw new Error(`learning state: unit ${i} trace count differs`);
    u.traces.forEach((t, k) => {
      if (t.length !== saved[k]!.length) throw new Error(`learning state: unit ${i} trace ${k} length differs`);
      t.set(saved[k]!);
    });
  });
}

/**
 * A `LearningEngineFactory` for IRs with `sop` microcode: null when the IR has no learning programs; throws
 * `LearningSetupError` with the engine's diagnostics when the microcode is invalid.
 */
export function sopEngine(ir: DendriteIr): HostedLearningEngine | null {
  if (ir.learning.length === 0) return null;
  const { engine, diagnostics } = createLearningEngine(ir);
  if (engine === undefined) throw new LearningSetupError(diagnostics);
  const hosted = engine as SopLearningEngine & HostedLearningEngine;
  hosted.saveState = () => saveSopState(engine);
  hosted.loadState = (s: unknown, cores: readonly CoreRuntime[]) => loadSopState(engine, s as SopEngineState, cores);
  return hosted;
}

export class LearningSetupError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'LearningSetupError';
  }
}
