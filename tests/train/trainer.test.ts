import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateIr } from '../../ir/load.js';
import { toJsonValue } from '../../ir/write.js';
import { sopEngine } from '../../train/sop-engine.js';
import {
  argmaxCounts, checkpointFromJson, checkpointToJson, epochOrder, Trainer, TrainSetupError, WALL_CLOCK_FIELDS, type Checkpoint,
  type EpochMetrics, type SampleProgress, type TrainOptions,
} from '../../train/trainer.js';
import { BLANK, BRIGHT0, BRIGHT1, dataset, RecordingEngine, split, tinyIr, tinyProtocol } from './tiny.js';

/** Pixel p → output p (weight 20 > threshold 10), everything else 0: class c lights pixel c, so output c fires. */
const DIAGONAL = [20, 0, 0, 20, 0, 0, 0, 0];

function valid(ir: ReturnType<typeof tinyIr>) {
  const r = validateIr(JSON.parse(JSON.stringify(toJsonValue(ir))), 'tiny');
  expect(r.diagnostics).toEqual([]);
}

describe('argmax readout', () => {
  it('picks the most active neuron, ties go to the lowest index, silence predicts nothing', () => {
    expect(argmaxCounts([0, 3, 1])).toBe(1);
    expect(argmaxCounts([2, 5, 5])).toBe(1);
    expect(argmaxCounts([0, 0, 0])).toBe(-1);
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }), (xs) => {
        const k = argmaxCounts(xs);
        const max = Math.max(...xs);
        if (max === 0) return k === -1;
        return xs[k] === max && xs.slice(0, k).every((x) => x < max);
      }),
      { numRuns: 200 },
    );
  });
});

describe('epoch order', () => {
  it('is a permutation, fixed by (seed, epoch), and the identity without shuffling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(10), (n, seed, e) => {
        const o = epochOrder(n, seed, e, true);
        expect([...o].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        expect(epochOrder(n, seed, e, true)).toEqual(o);
        expect([...epochOrder(n, seed, e, false)]).toEqual([...Array(n).keys()]);
      }),
      { numRuns: 50 },
    );
    expect(epochOrder(50, 1, 0, true)).not.toEqual(epochOrder(50, 1, 1, true));
  });
});

describe('Trainer on a tiny hand-built IR', () => {
  it('presents each sample for present + settle steps with inputs and the label on, then silent', async () => {
    const ir = tinyIr({ weights: DIAGONAL });
    valid(ir);
    const rec = new RecordingEngine();
    const train = dataset('train', [BRIGHT0, BRIGHT1, BRIGHT1, BRIGHT0], [0, 1, 1, 0]);
    const test = dataset('test', [BRIGHT0], [0]);
    const seen: SampleProgress[] = [];
    const t = new Trainer(ir, {
      protocol: tinyProtocol({ epochs: 2 }), data: split(train, test), learning: () => rec, onSample: (p) => seen.push(p),
    });
    const r = await t.run();
    expect(r.status).toBe('completed');
    const P = 5;
    const S = 3;
    // 2 epochs × 4 samples × (5 + 3) steps on the training emulator (testing runs on a separate one).
    expect(t.emulator.t).toBe(2 * 4 * (P + S));
    expect(rec.steps.length).toBe(64);
    expect(rec.starts).toEqual(Array.from({ length: 8 }, (_, j) => 1 + j * (P + S)));
    seen.forEach((s, j) => {
      const window = rec.steps.slice(j * (P + S), (j + 1) * (P + S));
      // presentation: the lit pixel (id = label, value 1 → every step) and label neuron 4 + label spike every step
      for (const step of window.slice(0, P)) expect(step.ids).toEqual([s.label, 4 + s.label]);
      // settle: sources silent
      for (const step of window.slice(P)) expect(step.ids).toEqual([]);
    });
    // every epoch presents each training sample exactly once
    expect(seen.slice(0, 4).map((s) => s.label).sort()).toEqual([0, 0, 1, 1]);
    expect(r.epochs[1]!.train_steps).toBe(4 * (P + S));
  });

  it('computes train and test accuracy by argmax on a case with a known answer', async () => {
    const ir = tinyIr({ weights: DIAGONAL });
    // test: 3 correct by construction, a blank image (silent readout → wrong), a mislabelled image (wrong)
    const test = dataset('test', [BRIGHT0, BRIGHT1, BRIGHT0, BLANK, BRIGHT1], [0, 1, 0, 1, 0]);
    const train = dataset('train', [BRIGHT0, BRIGHT1, BLANK, BRIGHT1], [0, 1, 0, 1]);
    const r = await new Trainer(ir, { protocol: tinyProtocol(), data: split(train, test) }).run();
    const m = r.epochs[0]!;
    expect(m.test_accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.train_accuracy).toBeCloseTo(3 / 4, 12);
    expect(m.test_samples).toBe(5);
    // swapping the weights makes every lit sample wrong
    const swapped = await new Trainer(tinyIr({ weights: [0, 20, 20, 0, 0, 0, 0, 0] }), { protocol: tinyProtocol(), data: split(train, test) }).run();
    expect(swapped.epochs[0]!.test_accuracy).toBe(1 / 5); // only the mislabelled BRIGHT1 (label 0) → predicted 0
    // counters: every step of a lit sample transmits 2 synaptic events (pixel → both outputs, one with weight 0)
    expect(m.synaptic_events).toBe(3 * 5 * 2);
    expect(m.energy_pj_per_sample).toBeGreaterThan(0);
  });

  it('rejects a protocol that does not fit the IR or the data, with every problem named', () => {
    const ir = tinyIr({ weights: DIAGONAL });
    const d = split(dataset('a', [BRIGHT0], [0]), dataset('b', [BRIGHT0], [0]));
    expect(() => new Trainer(ir, { protocol: tinyProtocol({ input: 'nope', readout: 'lbl2' }), data: d })).toThrow(TrainSetupError);
    try {
      new Trainer(ir, { protocol: tinyProtocol({ input: 'nope', readout: 'lbl2' }), data: d });
    } catch (e) {
      expect((e as TrainSetupError).problems.join('\n')).toMatch(/input `nope`[\s\S]*readout `lbl2`/);
    }
    const wide = { ...dataset('w', [BRIGHT0], [0]), width: 3 };
    expect(() => new Trainer(ir, { protocol: tinyProtocol(), data: split(wide, wide) })).toThrow(/4 neurons but w images have 6 pixels/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Checkpoint / resume

function randomImages(n: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => Array.from({ length: 4 }, () => Math.round(next() * 100) / 100));
}

function learningSetup() {
  const ir = tinyIr({ weights: [5, -3, 2, 7, -4, 1, 0, 3], learn: true, pTransmit: 0.7, seed: 11 });
  const imgs = randomImages(10, 3);
  const train = dataset('train', imgs.slice(0, 7), [0, 1, 1, 0, 1, 0, 0]);
  const test = dataset('test', imgs.slice(7), [1, 0, 1]);
  const options: TrainOptions = {
    protocol: tinyProtocol({ epochs: 3 }), data: split(train, test), learning: (x) => sopEngine(x), seed: 99,
  };
  return { ir, options };
}

/** A checkpoint as JSON with the wall-clock fields zeroed, for exact comparison. */
function canonical(c: Checkpoint): string {
  const strip = (m: EpochMetrics) => ({ ...m, ...Object.fromEntries(WALL_CLOCK_FIELDS.map((k) => [k, 0])) });
  return checkpointToJson({ ...c, tally: { ...c.tally, trainSeconds: 0, trainCpuSeconds: 0 }, history: c.history.map(strip) });
}

describe('per-epoch modulators (a learning-rate schedule)', () => {
  function setup(lrPerEpoch: number[]) {
    const { options } = learningSetup();
    return { ir: tinyIr({ weights: [5, -3, 2, 7, -4, 1, 0, 3], learn: true, pTransmit: 0.7, seed: 11, lrPerEpoch }), options };
  }
  /** Weights of img → out after each epoch (the checkpoint written at the end of each epoch). */
  async function weightsPerEpoch(lr: number[]): Promise<number[][]> {
    const { ir, options } = setup(lr);
    valid(ir);
    const out: number[][] = [];
    const t = new Trainer(ir, { ...options, onCheckpoint: (c, why) => { if (why === 'epoch') out.push(Array.from(c.emulator.cores[0]!.weights.slice(0, 8))); } });
    await t.run();
    return out;
  }

  it("the host writes the epoch's value: a zero rate from epoch 2 on freezes the weights, a non-zero one does not", async () => {
    const frozen = await weightsPerEpoch([1, 0]);
    expect(frozen).toHaveLength(3);
    expect(frozen[0]).not.toEqual([5, -3, 2, 7, -4, 1, 0, 3]); // epoch 1 (lr = 1) learns
    expect(frozen[1]).toEqual(frozen[0]); // epoch 2: lr = 0
    expect(frozen[2]).toEqual(frozen[0]); // epoch 3: past the list, the last value (0) holds
    const moving = await weightsPerEpoch([1, 1]);
    expect(moving[0]).toEqual(frozen[0]); // same first epoch, bit for bit
    expect(moving[1]).not.toEqual(moving[0]);
  });

  it("a run resumed mid-epoch keeps the epoch's value and ends bit-identical", async () => {
    const { ir, options } = setup([3, 1, 0]);
    const saved: string[] = [];
    const full = new Trainer(ir, { ...options, checkpointEvery: 3, onCheckpoint: (c) => saved.push(checkpointToJson(c)) });
    await full.run();
    const reference = canonical(full.checkpoint());
    expect(saved.length).toBeGreaterThan(3);
    for (const json of saved) {
      const resumed = Trainer.resume(ir, options, checkpointFromJson(json));
      await resumed.run();
      expect(canonical(resumed.checkpoint())).toBe(reference);
    }
  });
});

describe('checkpoint and resume', () => {
  it('the tiny learning IR is valid and actually learns (weights change)', async () => {
    const { ir, options } = learningSetup();
    valid(ir);
    const t = new Trainer(ir, options);
    await t.run();
    expect(t.weights()[0]!.slice(0, 8)).not.toEqual(ir.cores[0]!.synapses.weights.slice(0, 8));
    expect(t.metrics.every((m) => m.learning_updates > 0)).toBe(true);
  });

  it('resuming from any checkpoint gives final state and metrics bit-identical to an uninterrupted run', async () => {
    const { ir, options } = learningSetup();
    const saved: { why: string; json: string }[] = [];
    const full = new Trainer(ir, { ...options, checkpointEvery: 2, onCheckpoint: (c, why) => saved.push({ why, json: checkpointToJson(c) }) });
    await full.run();
    const reference = canonical(full.checkpoint());
    // every 2 samples (except at epoch ends) plus one per epoch
    expect(saved.filter((s) => s.why === 'epoch')).toHaveLength(3);
    expect(saved.filter((s) => s.why === 'every').length).toBeGreaterThanOrEqual(6);
    for (const s of saved) {
      const resumed = Trainer.resume(ir, options, checkpointFromJson(s.json));
      const r = await resumed.run();
      expect(r.status).toBe('completed');
      expect(canonical(resumed.checkpoint())).toBe(reference);
    }
  });

  it('a stop request (the SIGINT handler) finishes the sample and leaves a loadable checkpoint that resumes exactly', async () => {
    const { ir, options } = learningSetup();
    const reference = new Trainer(ir, options);
    await reference.run();
    let ck: Checkpoint | null = null;
    const t: Trainer = new Trainer(ir, {
      ...options,
      onSample: (p) => {
        if (p.epoch === 2 && p.done === 3) t.requestStop();
      },
      onCheckpoint: (c, why) => {
        if (why === 'interrupt') ck = c;
      },
    });
    const r = await t.run();
    expect(r.status).toBe('interrupted');
    expect(r.epochs).toHaveLength(1);
    const loaded = checkpointFromJson(checkpointToJson(ck!));
    expect(loaded.epoch).toBe(1);
    expect(loaded.next).toBe(3); // the sample in progress was finished
    const resumed = Trainer.resume(ir, options, loaded);
    await resumed.run();
    expect(canonical(resumed.checkpoint())).toBe(canonical(reference.checkpoint()));
  });

  it('refuses a checkpoint taken with another network or data set', async () => {
    const { ir, options } = learningSetup();
    const t = new Trainer(ir, options);
    const c = t.checkpoint();
    const other = tinyIr({ weights: [5, -3, 2, 7, -4, 1, 0, 4], learn: true, pTransmit: 0.7, seed: 11 });
    expect(() => Trainer.resume(other, options, c)).toThrow(/network \(IR\) differs/);
    const d = options.data;
    const data2 = { train: d.train, test: { ...d.test, labels: Uint8Array.from([0, 0, 0]) } };
    expect(() => Trainer.resume(ir, { ...options, data: data2 }, c)).toThrow(/data set differs/);
  });

  it('a damaged checkpoint is refused field by field, never with a crash (fast-check over field mutations)', async () => {
    const { ir, options } = learningSetup();
    let mid: string | undefined;
    const t2 = new Trainer(ir, { ...options, checkpointEvery: 3, onCheckpoint: (c, why) => { if (why === 'every' && mid === undefined) mid = checkpointToJson(c); } });
    await t2.run();
    expect(mid).toBeDefined();
    const base = JSON.parse(mid!);
    expect(() => checkpointFromJson(JSON.stringify({ ...base, epoch: -1 }))).toThrow(/damaged checkpoint: field `epoch`/);
    expect(() => checkpointFromJson(JSON.stringify({ ...base, tally: { ...base.tally, steps: 'x' } }))).toThrow(/tally\.steps/);
    const keys = Object.keys(base).filter((k) => k !== 'format');
    const junk = fc.oneof(fc.constant(null), fc.constant('x'), fc.integer({ min: -5, max: 1e6 }), fc.constant({}), fc.constant([]), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, (k, value) => {
        const text = JSON.stringify({ ...base, [k]: value });
        try {
          const c = checkpointFromJson(text);
          Trainer.resume(ir, options, c); // accepted: must set up without crashing
        } catch (e) {
          // the emulator's own state check (SnapshotMismatch) is the other accepted refusal
          expect(e instanceof TrainSetupError || (e as Error).name === 'SnapshotMismatch').toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
