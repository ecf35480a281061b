import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { captureIo } from './helpers/io.js';


describe('dendrite CLI', () => {
  it('prints its version from package.json', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('rejects an unknown verb with exit code 2', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toMatch(/unknown command/);
  });
});
