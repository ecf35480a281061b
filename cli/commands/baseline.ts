/**
 * `dendrite baseline`: the float MLP baselines (BP, FA, DFA/"RBP", BFA, BDFA) on the same data split as the
 * chip runs, so results read as "eRBP on the chip vs BP/RBP in float".
 */
import type { Command } from 'commander';
import { MAX_SEED, parseIntFlag, UsageError } from '../io.js';
import type { CommandContext } from '../main.js';
import { DATA_SPEC_FORMS, DEFAULT_DATA_SPEC } from '../../data/registry.js';
import { resolveDataFlag } from '../data-flag.js';
import { ACTIVATIONS, MLP_DEFAULTS, TRAINING_MODES, checkMlpOptions, trainMlp, type Activation, type EpochMetrics, type OutputKind, type TrainingMode, type WeightQuantization } from '../../baseline/mlp.js';

interface BaselineFlags {
  layers: string;
  mode: string;
  epochs: string;
  seed: string;
  data: string;
  trainSamples?: string;
  testSamples?: string;
  lr?: string;
  feedbackLr?: string;
  batch?: string;
  lrDecay?: string;
  hidden: string;
  output: string;
  weightBits?: string;
  weightBounds?: string;
  json?: boolean;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new UsageError(`${flag} must be a positive integer, got \`${v}\``);
  return Number(v);
}

function positiveReal(flag: string, v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`${flag} must be a positive number, got \`${v}\``);
  return x;
}

/** Limits that keep the float64 weight, gradient and feedback matrices allocatable. */
const MAX_LAYER = 1_000_000;
const MAX_WEIGHTS = 2 ** 24;

export function parseLayers(v: string): number[] {
  if (!/^\d+(-\d+)+$/.test(v.trim())) throw new UsageError(`--layers must look like 784-200-10 (sizes joined by '-'), got \`${v}\``);
  const sizes = v.trim().split('-').map(Number);
  if (sizes.some((n) => n < 1 || n > MAX_LAYER)) throw new UsageError(`--layers sizes must be in 1..${MAX_LAYER}, got \`${v}\``);
  let weights = 0;
  for (let i = 1; i < sizes.length; i++) weights += sizes[i - 1]! * sizes[i]!;
  if (weights > MAX_WEIGHTS) throw new UsageError(`--layers ${v} has ${weights.toLocaleString('en-US')} weights; at most ${MAX_WEIGHTS.toLocaleString('en-US')} fit in memory`);
  return sizes;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('baseline')
    .description('train a float MLP (BP / FA / DFA = random BP / BFA / BDFA) on the same data split as the chip runs')
    .option('--layers <sizes>', 'layer sizes, input first', '784-200-10')
    .option('--mode <mode>', `training rule: ${TRAINING_MODES.join(' | ')}`, 'bp')
    .option('--epochs <n>', 'training epochs', '5')
    .option('--seed <s>', 'seed of the initial weights, feedback matrices and shuffles', String(MLP_DEFAULTS.seed))
    .option('--data <spec>', `data set: ${DATA_SPEC_FORMS.join(' | ')}`, DEFAULT_DATA_SPEC)
    .option('--train-samples <n>', 'use only the first N training samples (class proportions kept)')
    .option('--test-samples <n>', 'use only the first N test samples (class proportions kept)')
    .option('--lr <rate>', `learning rate (default ${MLP_DEFAULTS.learningRate})`)
    .option('--feedback-lr <rate>', 'learning rate of the feedback matrices in bfa/bdfa (default lr/10)')
    .option('--lr-decay <f>', `learning-rate factor per epoch (default ${MLP_DEFAULTS.lrDecay})`)
    .option('--batch <n>', `minibatch size (default ${MLP_DEFAULTS.batchSize})`)
    .option('--hidden <f>', `hidden activation: ${ACTIVATIONS.join(' | ')}`, MLP_DEFAULTS.hidden)
    .option('--output <f>', 'output layer: softmax (cross-entropy) | sigmoid (per-output binary cross-entropy; error ŷ − y as eRBP\'s E+/E− neurons)', MLP_DEFAULTS.output)
    .option('--weight-bits <b>', 'store the forward weights as b-bit integers (two\'s complement) with stochastically rounded updates, as on the chip (2..24; default: float)')
    .option('--weight-bounds <w>', 'with --weight-bits: the largest |weight|, one value or one per weight matrix joined by \',\' (e.g. 0.4,0.8)')
    .option('--json', 'print one JSON object instead of text')
    .action((flags: BaselineFlags) => {
      const layers = parseLayers(flags.layers);
      if (!(TRAINING_MODES as readonly string[]).includes(flags.mode)) throw new UsageError(`--mode must be one of ${TRAINING_MODES.join(', ')}, got \`${flags.mode}\``);
      if (!(ACTIVATIONS as readonly string[]).includes(flags.hidden)) throw new UsageError(`--hidden must be one of ${ACTIVATIONS.join(', ')}, got \`${flags.hidden}\``);
      if (flags.output !== 'softmax' && flags.output !== 'sigmoid') throw new UsageError(`--output must be softmax or sigmoid, got \`${flags.output}\``);
      const mode = flags.mode as TrainingMode;
      const epochs = positiveInt('--epochs', flags.epochs);
      const seed = parseIntFlag(flags.seed, '--seed', 0, MAX_SEED)!;
      const trainSamples = flags.trainSamples === undefined ? undefined : positiveInt('--train-samples', flags.trainSamples);
      const testSamples = flags.testSamples === undefined ? undefined : positiveInt('--test-samples', flags.testSamples);
      const learningRate = flags.lr === undefined ? undefined : positiveReal('--lr', flags.lr);
      const feedbackLearningRate = flags.feedbackLr === undefined ? undefined : positiveReal('--feedback-lr', flags.feedbackLr);
      const lrDecay = flags.lrDecay === undefined ? undefined : positiveReal('--lr-decay', flags.lrDecay);
      const batchSize = flags.batch === undefined ? undefined : positiveInt('--batch', flags.batch);

      if (flags.weightBounds !== undefined && flags.weightBits === undefined) throw new UsageError('--weight-bounds needs --weight-bits');
      let quantize: WeightQuantization | undefined;
      if (flags.weightBits !== undefined) {
        if (flags.weightBounds === undefined) throw new UsageError('--weight-bits needs --weight-bounds (the largest |weight| each matrix can hold)');
        // ranges and the number of bounds are checked with the other options (checkMlpOptions)
        quantize = { bits: positiveInt('--weight-bits', flags.weightBits), bounds: flags.weightBounds.split(',').map((b) => positiveReal('--weight-bounds', b)) };
      }
      const data = resolveDataFlag(flags.data, { trainSamples, testSamples });
      const options = { layers, mode, epochs, seed, learningRate, lrDecay, feedbackLearningRate, batchSize, hidden: flags.hidden as Activation, output: flags.output as OutputKind, quantize };
      const problems = checkMlpOptions(options, data.train);
      if (problems.length > 0) throw new UsageError(problems.join('; '));

      const io = ctx.io;
      if (!flags.json) {
        io.out(`baseline ${mode} ${layers.join('-')} (${flags.hidden})${quantize ? `, ${quantize.bits}-bit weights (bounds ${quantize.bounds.join(', ')})` : ''}, ${data.description}\n`);
      }
      const result = trainMlp(data.train, data.test, {
        ...options,
        onEpoch: flags.json
          ? undefined
          : (e: EpochMetrics) =>
              io.out(`epoch ${e.epoch}/${epochs}  train ${pct(e.trainAcc)}  test ${pct(e.testAcc)}  loss ${e.trainLoss.toFixed(4)}  ${e.seconds.toFixed(1)} s\n`),
      });
      const last = result.perEpoch[result.perEpoch.length - 1]!;
      if (flags.json) {
        io.out(
          JSON.stringify({
            mode,
            layers,
            hidden: flags.hidden,
            output: flags.output,
            data: data.spec,
            train_samples: data.train.n,
            test_samples: data.test.n,
            epochs,
            seed,
            learning_rate: learningRate ?? MLP_DEFAULTS.learningRate,
            lr_decay: lrDecay ?? MLP_DEFAULTS.lrDecay,
            batch_size: batchSize ?? MLP_DEFAULTS.batchSize,
            weight_bits: quantize?.bits ?? null,
            weight_bounds: quantize?.bounds ?? null,
            train_accuracy: last.trainAcc,
            test_accuracy: last.testAcc,
            seconds: result.seconds,
            per_epoch: result.perEpoch.map((e) => ({ epoch: e.epoch, train_accuracy: e.trainAcc, test_accuracy: e.testAcc, train_loss: e.trainLoss, seconds: e.seconds })),
          }) + '\n',
        );
      } else {
        io.out(`${mode} ${layers.join('-')}: test accuracy ${pct(last.testAcc)} after ${epochs} epoch${epochs === 1 ? '' : 's'} (${result.seconds.toFixed(1)} s)\n`);
      }
      ctx.exitCode = 0;
    });
}
