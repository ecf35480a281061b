/**
 * Bad input never crashes the CLI: each invocation below must end with exit 1 (diagnostics) or 2 (usage), print a
 * message naming the problem, and show no stack trace; a fast-check property throws random argv built from the
 * commands' real flags at `main` and requires that it never reports an internal error (exit 70).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { packageRoot } from '../../compiler/paths.js';
import { captureIo as capture } from '../helpers/io.js';

const examples = join(packageRoot(), 'dsl-examples');
let dir = '';
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dendrite-robust-'));
  copyFileSync(join(examples, 'stdp.snn'), f('stdp.snn'));
  const io = capture();
  expect(await main(['compile', f('stdp.snn'), '-o', f('net.ir.json')], io)).toBe(0);
  const ir = readFileSync(f('net.ir.json'), 'utf8');
  writeFileSync(f('trunc.ir.json'), ir.slice(0, 4000));
  const parsed = JSON.parse(ir) as Record<string, unknown>;
  writeFileSync(f('noformat.ir.json'), JSON.stringify({ ...parsed, format: 'other/9' }));
  writeFileSync(f('nocores.ir.json'), JSON.stringify({ ...parsed, cores: 'many' }));
  writeFileSync(f('empty.snn'), '');
  writeFileSync(f('empty.ir.json'), '');
  writeFileSync(f('garbage.snn'), Buffer.from([0, 255, 1, 128, 10, 27, 91, 50, 74, 0, 0, 200]));
  writeFileSync(f('garbage.ir.json'), Buffer.from([0, 255, 1, 128, 10, 27, 91, 50, 74]));
  writeFileSync(f('broken.snn'), 'network n {\n  population a = LIF(\n}\n');
  writeFileSync(f('huge.snn'), 'network n {\n  population a = LIF(99999999999)\n}\n');
  writeFileSync(f('other.json'), '{"hello": 1}');
  writeFileSync(f('notes.txt'), 'hello');
  mkdirSync(f('adir.snn'));
  mkdirSync(f('emptydir'));
  const yaml = readFileSync(join(packageRoot(), 'targets', 'default.yaml'), 'utf8');
  writeFileSync(f('range.yaml'), yaml.replace(/bits: 24, overflow: saturate/, 'bits: 99, overflow: saturate'));
  writeFileSync(f('syntax.yaml'), 'name: x\nchip: [\n');
  writeFileSync(f('list.yaml'), '- 1\n- 2\n');
  // --resume of directories that are not (or no longer) training runs
  mkdirSync(f('run-empty-record'));
  writeFileSync(f('run-empty-record/checkpoint.json'), '{}');
  writeFileSync(f('run-empty-record/run.json'), '{}');
  mkdirSync(f('run-null-record'));
  writeFileSync(f('run-null-record/checkpoint.json'), '{}');
  writeFileSync(f('run-null-record/run.json'), 'null');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface BadCase {
  readonly argv: () => string[];
  readonly exit: 1 | 2;
  /** What the message must say (the problem, named). */
  readonly says: RegExp;
}

const usage = (argv: () => string[], says: RegExp): BadCase => ({ argv, exit: 2, says });
const diag = (argv: () => string[], says: RegExp): BadCase => ({ argv, exit: 1, says });

const cases: Record<string, BadCase> = {
  'check: missing file': usage(() => ['check', f('nope.snn')], /cannot read .*nope\.snn: no such file/),
  'check: a directory': usage(() => ['check', f('adir.snn')], /adir\.snn: is a directory/),
  'check: a compiled IR': usage(() => ['check', f('net.ir.json')], /check reads \.snn sources/),
  'check: empty file': diag(() => ['check', f('empty.snn')], /empty\.snn:1:1: error: no `network/),
  'check: binary garbage': diag(() => ['check', f('garbage.snn')], /garbage\.snn:1:\d+: error: unexpected characters/),
  'check: syntax error with a caret': diag(() => ['check', f('broken.snn')], /broken\.snn:3:1: error: expected an expression.*\n\s+\|\n3 \| \}\n\s+\| \^\n/),
  'check: population too large': diag(() => ['check', f('huge.snn')], /size of `a` must be at most 16,777,216/),
  'check: two files': usage(() => ['check', f('stdp.snn'), f('stdp.snn')], /too many arguments/),
  'fmt: --write with --check': usage(() => ['fmt', '--write', '--check', f('stdp.snn')], /cannot be combined/),
  'fmt: a JSON file': usage(() => ['fmt', f('other.json')], /fmt formats \.snn sources only/),
  'compile: an IR': usage(() => ['compile', f('net.ir.json')], /expected a \.snn source/),
  'compile: missing file': usage(() => ['compile', f('nope.snn')], /no such file/),
  'compile: -o is a directory': usage(() => ['compile', f('stdp.snn'), '-o', f('emptydir')], /cannot write .*emptydir: is a directory/),
  'compile: -o over its own source': usage(() => ['compile', f('stdp.snn'), '-o', f('stdp.snn')], /would overwrite the source/),
  'compile: unknown target': diag(() => ['compile', f('stdp.snn'), '--target', 'nope'], /unknown target `nope`/),
  'compile: missing target file': diag(() => ['compile', f('stdp.snn'), '--target', f('nope.yaml')], /cannot read target profile: no such file/),
  'compile: target is a directory': diag(() => ['compile', f('stdp.snn'), '--target', f('emptydir') + '/'], /cannot read target profile: is a directory/),
  'compile: YAML field out of range, with its line': diag(
    () => ['compile', f('stdp.snn'), '--target', f('range.yaml')],
    /range\.yaml: field `neuron\.states\.v\.bits`: error: must be an integer in 2\.\.52, got 99[^\n]*\n[^\n]*range\.yaml:\d+:\d+: note/,
  ),
  'compile: YAML syntax error': diag(() => ['compile', f('stdp.snn'), '--target', f('syntax.yaml')], /YAML syntax error/),
  'compile: YAML that is not a mapping': diag(() => ['compile', f('stdp.snn'), '--target', f('list.yaml')], /must be a YAML mapping/),
  'compile: --set without =': usage(() => ['compile', f('stdp.snn'), '--set', 'foo'], /--set expects key=value, got "foo"/),
  'compile: --set without a key': usage(() => ['compile', f('stdp.snn'), '--set', '=3'], /--set expects key=value/),
  'compile: --set unknown field': diag(() => ['compile', f('stdp.snn'), '--set', 'chip.nope=3'], /unknown field/),
  'compile: --set value out of range': diag(() => ['compile', f('stdp.snn'), '--set', 'synapse.weight.mant_bits=99'], /synapse\.weight\.mant_bits.*must be an integer in 1\.\.24, got 99/),
  'compile: --set value not a number': diag(() => ['compile', f('stdp.snn'), '--set', 'synapse.weight.mant_bits=abc'], /must be an integer in 1\.\.24/),
  'run: truncated IR': diag(() => ['run', f('trunc.ir.json')], /trunc\.ir\.json: error: not valid JSON/),
  'run: empty IR': diag(() => ['run', f('empty.ir.json')], /not valid JSON/),
  'run: binary IR': diag(() => ['run', f('garbage.ir.json')], /not valid JSON/),
  'run: another JSON file': diag(() => ['run', f('other.json')], /field `format`.*dendrite-ir\/1/),
  'run: wrong IR format': diag(() => ['run', f('noformat.ir.json')], /format must be "dendrite-ir\/1"/),
  'run: mutated IR': diag(() => ['run', f('nocores.ir.json')], /nocores\.ir\.json: field `cores`/),
  'run: unknown extension': usage(() => ['run', f('notes.txt')], /expected a \.snn source or a compiled \.ir\.json/),
  'run: --target on an IR': usage(() => ['run', f('net.ir.json'), '--target', 'loihi1'], /already compiled/),
  'run: negative --steps': usage(() => ['run', f('net.ir.json'), '--steps', '-1'], /--steps must be an integer in 0\.\.2147483647, got "-1"/),
  'run: fractional --steps': usage(() => ['run', f('net.ir.json'), '--steps', '1.5'], /--steps must be an integer/),
  'run: huge --steps': usage(() => ['run', f('net.ir.json'), '--steps', '99999999999'], /--steps must be an integer/),
  'run: exponent --steps': usage(() => ['run', f('net.ir.json'), '--steps', '1e3'], /--steps must be an integer/),
  'run: --seed past 32 bits': usage(() => ['run', f('net.ir.json'), '--seed', '4294967296'], /--seed must be an integer in 0\.\.4294967295/),
  'run: --workers 0': usage(() => ['run', f('net.ir.json'), '--workers', '0'], /--workers must be an integer in 1\.\.256/),
  'run: --out is a file': usage(() => ['run', f('net.ir.json'), '--steps', '2', '--out', f('notes.txt')], /--out .*notes\.txt: is a file, not a directory/),
  'run: --out below a file': usage(() => ['run', f('net.ir.json'), '--steps', '2', '--out', join(f('notes.txt'), 'sub')], /notes\.txt is a file, not a directory/),
  'run: unknown probe': usage(() => ['run', f('net.ir.json'), '--steps', '2', '--probe', 'nope'], /no probe named "nope"/),
  'run: missing option value': usage(() => ['run', f('net.ir.json'), '--steps'], /argument missing/),
  'run: unknown option': usage(() => ['run', '--bogus', f('net.ir.json')], /unknown option '--bogus'/),
  'explain: unknown rule': usage(() => ['explain', f('stdp.snn'), '--rule', 'nope'], /no rule `nope`/),
  'explain: missing file': usage(() => ['explain', f('nope.snn')], /no such file/),
  'diff: an IR': usage(() => ['diff', f('net.ir.json')], /diff needs the network source/),
  'diff: --steps 0': usage(() => ['diff', f('stdp.snn'), '--steps', '0'], /--steps must be an integer in 1\.\./),
  'diff: empty --input-level': usage(() => ['diff', f('stdp.snn'), '--input-level', ''], /--input-level must be a number in 0\.\.1, got ""/),
  'diff: hex --input-level': usage(() => ['diff', f('stdp.snn'), '--input-level', '0x1'], /--input-level must be a number/),
  'diff: --tau 0': usage(() => ['diff', f('stdp.snn'), '--tau', '0'], /--tau must be an integer in 1\.\./),
  'diff: bad --set': usage(() => ['diff', f('stdp.snn'), '--set', 'nokey'], /--set expects key=value/),
  'train: nothing to train': usage(() => ['train'], /missing the network to train/),
  'train: unknown extension': usage(() => ['train', f('notes.txt')], /expected a \.snn source or a compiled \.ir\.json/),
  'train: --epochs 0': usage(() => ['train', f('stdp.snn'), '--epochs', '0'], /--epochs must be an integer in 1\.\./),
  'train: negative --train-samples': usage(() => ['train', f('stdp.snn'), '--train-samples', '-5'], /--train-samples must be an integer/),
  'train: --log-every 0': usage(() => ['train', f('stdp.snn'), '--log-every', '0'], /--log-every must be an integer in 1\.\./),
  'train: --out is a file': usage(() => ['train', f('stdp.snn'), '--out', f('notes.txt')], /is a file, not a directory/),
  'train: no protocol in the network': diag(() => ['train', f('stdp.snn'), '--out', f('train-out')], /no `protocol \{ … \}` block/),
  'train: IR without a protocol': diag(() => ['train', f('net.ir.json')], /carries no training protocol/),
  'train: --resume of a missing directory': usage(() => ['train', '--resume', f('nope')], /--resume .*nope: no such directory/),
  'train: --resume of a directory without checkpoint': usage(() => ['train', '--resume', f('emptydir')], /no checkpoint\.json in/),
  'train: --resume with an empty run record': diag(() => ['train', '--resume', f('run-empty-record')], /damaged run record: field `data` must be an object/),
  'train: --resume with a null run record': diag(() => ['train', '--resume', f('run-null-record')], /damaged run record/),
  'train: --resume plus settings': usage(() => ['train', '--resume', f('emptydir'), '--epochs', '2'], /drop --epochs/),
  'sweep: nothing to vary': usage(() => ['sweep', f('stdp.snn')], /nothing to sweep/),
  'sweep: an IR': usage(() => ['sweep', f('net.ir.json'), '--vary', 'synapse.weight.mant_bits=4'], /sweep needs the network source/),
  'sweep: a directory': usage(() => ['sweep', f('adir.snn'), '--vary', 'synapse.weight.mant_bits=4'], /is a directory/),
  'sweep: bad --vary': diag(() => ['sweep', f('stdp.snn'), '--vary', 'foo'], /expected `field\.path=v1,v2,…`/),
  'sweep: --vary value out of range': diag(() => ['sweep', f('stdp.snn'), '--mode', 'run', '--vary', 'synapse.weight.mant_bits=99'], /must be an integer in 1\.\.24, got 99/),
  'sweep: seeds wrap past 2^32': usage(() => ['sweep', f('stdp.snn'), '--mode', 'run', '--vary', 'synapse.weight.mant_bits=4', '--seed', '4294967295', '--seeds', '3'], /runs past the largest seed/),
  'sweep: --out is a file': usage(() => ['sweep', f('stdp.snn'), '--mode', 'run', '--vary', 'synapse.weight.mant_bits=4', '--out', f('notes.txt')], /is a file, not a directory/),
  'sweep: bad --mode': usage(() => ['sweep', f('stdp.snn'), '--mode', 'fast', '--vary', 'synapse.weight.mant_bits=4'], /--mode must be train or run/),
  'sweep: bad --prune': usage(() => ['sweep', f('stdp.snn'), '--vary', 'synapse.weight.mant_bits=4', '--prune', '1.5'], /--prune expects fractions/),
  'sweep: bad --set': usage(() => ['sweep', f('stdp.snn'), '--vary', 'synapse.weight.mant_bits=4', '--set', 'x'], /--set expects key=value/),
  'baseline: --seed past 32 bits': usage(() => ['baseline', '--seed', '99999999999999'], /--seed must be an integer in 0\.\.4294967295/),
  'baseline: --layers too large': usage(() => ['baseline', '--layers', '784-99999999-10'], /--layers sizes must be in 1\.\./),
  'baseline: --layers with too many weights': usage(() => ['baseline', '--layers', '784-30000-10'], /weights; at most/),
  'baseline: bad --data': usage(() => ['baseline', '--data', 'nope'], /unknown data set `nope`/),
  'baseline: bad --output': usage(() => ['baseline', '--output', 'relu'], /--output must be softmax or sigmoid/),
  'train: bad --data': usage(() => ['train', 'dsl-examples/erbp-mnist.snn', '--data', 'nope', '--train-samples', '2'], /unknown data set `nope`/),
  'sweep: bad --data': usage(() => ['sweep', 'dsl-examples/erbp-mnist.snn', '--data', 'mnist:', '--vary', 'synapse.weight.mant_bits=4'], /names no directory/),
  'baseline: --lr not a number': usage(() => ['baseline', '--lr', 'fast'], /--lr must be a positive number/),
  'conformance: not a golden case': usage(() => ['conformance', 'loihi', f('other.json')], /not a Loihi golden case/),
  'conformance: not JSON': usage(() => ['conformance', 'loihi', f('garbage.ir.json')], /not valid JSON/),
  'conformance: nsat on an IR': usage(() => ['conformance', 'nsat', f('net.ir.json')], /not an NSAT golden trace/),
  'conformance: missing file': usage(() => ['conformance', 'nsat', f('nope.json')], /no such file/),
  'unknown command': usage(() => ['frobnicate'], /unknown command/),
};

describe('bad input gives a clear error, never a stack trace', () => {
  it.each(Object.entries(cases))('%s', async (_name, c) => {
    const io = capture();
    const code = await main(c.argv(), io);
    const text = io.stderr + io.stdout;
    expect(text).toMatch(c.says);
    expect(code).toBe(c.exit);
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toMatch(/internal error/);
  });

  it('cuts very long source lines around the caret instead of printing them whole', async () => {
    const io = capture();
    const lets = Array.from({ length: 200 }, (_, k) => `let a${k} = ${k};`).join(' ');
    writeFileSync(f('long.snn'), `network n { ${lets} population p = LIF(nope) }\n`);
    expect(await main(['check', f('long.snn')], io)).toBe(1);
    const lines = io.stderr.split('\n');
    const at = lines.findIndex((l) => l.startsWith('1 | '));
    expect(at).toBeGreaterThan(0);
    const shown = lines[at]!;
    const caret = lines[at + 1]!;
    expect(shown.length).toBeLessThan(200);
    expect(shown).toMatch(/^1 \| …/);
    // the caret still points at the unknown name
    expect(shown.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1)).toBe('nope');
  });
});

/** Flags of each command with value generators; values are mostly wrong, sometimes right. */
const junk = fc.oneof(
  fc.constantFrom('', '-1', '0', '1', '1.5', '1e3', '0x10', 'NaN', 'Infinity', '99999999999999999999', '4294967296', 'abc', '=', 'a=b', '--', ' '),
  fc.string({ maxLength: 8 }),
);
const fileArgs = () => fc.constantFrom(f('stdp.snn'), f('net.ir.json'), f('trunc.ir.json'), f('empty.snn'), f('garbage.snn'), f('other.json'), f('notes.txt'), f('adir.snn'), f('nope.snn'));
/** Real flag names per command (no --out: random values would create files in the working directory). */
const commandFlags: Record<string, string[]> = {
  check: [],
  fmt: ['--check'],
  compile: ['--target', '--set', '--json', '--strict'],
  explain: ['--rule', '--target', '--set', '--json'],
  run: ['--steps', '--seed', '--workers', '--target', '--set', '--probe', '--json'],
  diff: ['--steps', '--seed', '--tau', '--input-level', '--target', '--set', '--json'],
  train: ['--epochs', '--train-samples', '--test-samples', '--data', '--seed', '--workers', '--checkpoint-every', '--log-every', '--resume', '--target', '--set'],
  sweep: ['--vary', '--seeds', '--seed', '--mode', '--steps', '--prune', '--relearn', '--workers', '--max-points', '--baseline', '--target', '--set'],
  baseline: ['--layers', '--mode', '--epochs', '--seed', '--lr', '--batch', '--hidden', '--output', '--lr-decay', '--train-samples', '--data'],
};

describe('random command lines', () => {
  it('never end in an internal error (exit 70)', async () => {
    const argvs = fc
      .constantFrom(...Object.keys(commandFlags))
      .chain((cmd) =>
        fc.tuple(
          fc.constant(cmd),
          cmd === 'baseline' ? fc.constant([] as string[]) : fileArgs().map((x) => [x]),
          fc.array(fc.tuple(fc.constantFrom(...(commandFlags[cmd]!.length ? commandFlags[cmd]! : ['--json'])), junk), { maxLength: 3 }),
        ),
      )
      .map(([cmd, file, flags]) => {
        const argv = [cmd, ...file];
        for (const [k, v] of flags) argv.push(k, v);
        // Keep anything that might really run short: tiny step counts, no training runs, output in the sandbox.
        if (cmd === 'run' || cmd === 'diff') argv.push('--steps', '3');
        if (cmd === 'train' || cmd === 'baseline') argv.push('--epochs', 'zero');
        if (cmd === 'sweep') argv.push('--max-points', '0');
        return argv;
      });
    await fc.assert(
      fc.asyncProperty(argvs, async (argv) => {
        const io = capture();
        const code = await main(argv, io);
        expect(code, `${JSON.stringify(argv)}\n${io.stderr}`).not.toBe(70);
        expect(io.stderr).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 120 },
    );
  }, 60_000);
});
