/**
 * Progress output of `dendrite train`: a cli-progress bar on a terminal (samples/s, ETA, running accuracy), plain
 * log lines every N samples otherwise (CI logs, pipes, tests). Everything goes to stderr so `--json` stdout stays
 * one clean object.
 */
import cliProgress from 'cli-progress';
import type { EpochMetrics, SampleProgress } from './trainer.js';

export interface ProgressSink {
  sample(p: SampleProgress): void;
  testSample(done: number, total: number): void;
  epoch(m: EpochMetrics): void;
  /** Clears the bar before other output (checkpoint notices, the final table). */
  stop(): void;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function epochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}: train acc ${pct(m.train_accuracy)}, test acc ${pct(m.test_accuracy)}, ` +
    `${m.samples_per_s.toFixed(1)} samples/s (${m.ms_per_sample.toFixed(1)} ms/sample), ` +
    `${m.synaptic_events} synaptic events, ${(m.energy_pj_per_sample / 1e6).toFixed(3)} µJ/sample (estimate)`
  );
}

/** Samples/s over a sliding window of recent samples (steadier than since-start right after a resume). */
class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly window = 50) {}
  tick(now: number): number {
    this.times.push(now);
    if (this.times.length > this.window) this.times.shift();
    const n = this.times.length - 1;
    return n > 0 ? (1000 * n) / (now - this.times[0]!) : 0;
  }
  reset(): void {
    this.times.length = 0;
  }
}

/** Plain log lines: one every `every` samples and at the end of each epoch. */
export function logProgress(write: (line: string) => void, every: number, now: () => number = Date.now): ProgressSink {
  const meter = new RateMeter();
  let epochs = 1;
  return {
    sample(p) {
      epochs = p.epochs;
      const rate = meter.tick(now());
      if (p.done % every === 0 || p.done === p.total) {
        const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
        write(`epoch ${p.epoch}/${p.epochs}  sample ${p.done}/${p.total}  ${rate.toFixed(1)} samples/s  ETA ${formatDuration(eta)}  train acc ${pct(p.trainAccuracy)}\n`);
      }
    },
    testSample(done, total) {
      if (done === total) write(`  tested ${total} samples\n`);
    },
    epoch(m) {
      meter.reset();
      write(epochLine(m, epochs) + '\n');
    },
    stop() {},
  };
}

/** A cli-progress bar on `stream` (a TTY), redrawn at most every 100 ms. */
export function barProgress(stream: NodeJS.WriteStream, write: (line: string) => void): ProgressSink {
  const meter = new RateMeter();
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  let epochs = 1;
  const start = (label: string, total: number) => {
    bar?.stop();
    phase = label;
    bar = new cliProgress.SingleBar(
      {
        stream, fps: 10, hideCursor: true, clearOnComplete: true, etaBuffer: 50,
        format: '{phase} |{bar}| {value}/{total} | {rate} samples/s | ETA {eta_formatted} | {acc}',
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { phase, rate: '0.0', acc: '' });
  };
  return {
    sample(p) {
      epochs = p.epochs;
      const label = `epoch ${p.epoch}/${p.epochs} train`;
      if (bar === null || phase !== label) start(label, p.total);
      const rate = meter.tick(Date.now());
      bar!.update(p.done, { rate: rate.toFixed(1), acc: `train acc ${pct(p.trainAccuracy)}`, phase });
    },
    testSample(done, total) {
      if (!phase.endsWith('test')) start(phase.replace(/train$/, 'test'), total);
      bar!.update(done, { rate: '', acc: '' , phase });
    },
    epoch(m) {
      bar?.stop();
      bar = null;
      phase = '';
      meter.reset();
      write(epochLine(m, epochs) + '\n');
    },
    stop() {
      bar?.stop();
      bar = null;
      phase = '';
    },
  };
}
