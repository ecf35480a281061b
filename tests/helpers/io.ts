/** Test helper: an `Io` that records what a command prints (optionally observing stderr as it arrives). */
import type { Io } from '../../cli/io.js';

export type CapturedIo = Io & { stdout: string; stderr: string };

export function captureIo(onErr?: (text: string) => void): CapturedIo {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
      onErr?.(t);
    },
  };
  return io;
}
