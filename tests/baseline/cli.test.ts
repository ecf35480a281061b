import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo as capture } from '../helpers/io.js';


describe('dendrite baseline', () => {
  it('trains on a small slice of the bundled split and prints per-epoch lines and a summary', async () => {
    const io = capture();
    const code = await main(['baseline', '--train-samples', '300', '--test-samples', '100', '--epochs', '2', '--layers', '784-20-10'], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/epoch 1\/2 .*test \d+\.\d\d%/);
    expect(io.stdout).toMatch(/epoch 2\/2/);
    const m = /bp 784-20-10: test accuracy (\d+\.\d\d)% after 2 epochs/.exec(io.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(60); // it learned something (chance is 10 %)
  });

  it('--json prints one JSON object', async () => {
    const io = capture();
    const code = await main(['baseline', '--mode', 'dfa', '--train-samples', '200', '--test-samples', '100', '--epochs', '1', '--layers', '784-16-10', '--json'], io);
    expect(code).toBe(0);
    const j = JSON.parse(io.stdout) as Record<string, unknown>;
    expect(j.mode).toBe('dfa');
    expect(j.train_samples).toBe(200);
    expect(j.test_samples).toBe(100);
    expect(typeof j.test_accuracy).toBe('number');
    expect((j.per_epoch as unknown[]).length).toBe(1);
    expect(j.weight_bits).toBeNull();
  });

  it('--weight-bits/--weight-bounds train with quantized weights and say so', async () => {
    const io = capture();
    const code = await main(['baseline', '--mode', 'dfa', '--train-samples', '200', '--test-samples', '100', '--epochs', '1', '--layers', '784-16-10', '--weight-bits', '6', '--weight-bounds', '0.4,0.8'], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/6-bit weights \(bounds 0\.4, 0\.8\)/);
    const jio = capture();
    await main(['baseline', '--mode', 'dfa', '--train-samples', '200', '--test-samples', '100', '--epochs', '1', '--layers', '784-16-10', '--weight-bits', '6', '--weight-bounds', '0.4', '--json'], jio);
    const j = JSON.parse(jio.stdout) as Record<string, unknown>;
    expect(j.weight_bits).toBe(6);
    expect(j.weight_bounds).toEqual([0.4]);
  });

  for (const bad of [
    ['--mode', 'sgd'],
    ['--epochs', '0'],
    ['--layers', '784-x-10'],
    ['--layers', '784-20-11'],
    ['--seed', '-3'],
    ['--lr', 'fast'],
    ['--data', 'cifar'],
    ['--train-samples', '9000'],
    ['--weight-bounds', '0.5'],
    ['--weight-bits', '8'],
    ['--weight-bits', '1', '--weight-bounds', '1'],
    ['--weight-bits', '8', '--weight-bounds', '0.5,0.5,0.5'],
    ['--weight-bits', '8', '--weight-bounds', '-1'],
  ]) {
    it(`rejects ${bad.join(' ')} as a usage error (exit 2) without a stack`, async () => {
      const io = capture();
      expect(await main(['baseline', ...bad, '--epochs', bad[0] === '--epochs' ? bad[1]! : '1', '--train-samples', bad[0] === '--train-samples' ? bad[1]! : '50'], io)).toBe(2);
      expect(io.stderr).toMatch(/error/);
      expect(io.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a missing IDX directory is a diagnostic (exit 1)', async () => {
    const io = capture();
    expect(await main(['baseline', '--data', 'mnist:/nonexistent/dir', '--epochs', '1'], io)).toBe(1);
    expect(io.stderr).toMatch(/not found/);
  });
});
