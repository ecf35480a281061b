/**
 * Arrays the emulator's hot loops read, built so that their V8 shape does not depend on how warm the code that
 * built them happened to be.
 *
 * Why: `Array.prototype.map` and `Array.from` return a PACKED array while their caller runs in V8's interpreter
 * and a HOLEY one once the caller is optimised (observed on Node 20 with `%HasHoleyElements`: the same
 * constructor gave PACKED arrays for the first emulators of a process and HOLEY ones later). Code optimised for
 * one kind bails out ("wrong map", `--trace-deopt`) when a new emulator hands it the other, and every thread then
 * runs its step loop unoptimised until V8 recompiles it — on two busy CPUs that cost 40–100 ms at the start of a
 * run (docs/performance.md, eighth pass). Pushing onto an empty literal always gives a PACKED array.
 */

/** `src.map(f)`, always PACKED. */
export function packedMap<T, U>(src: ArrayLike<T>, f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < src.length; i++) out.push(f(src[i]!, i));
  return out;
}

/** `Array.from({ length: n }, (_, i) => f(i))`, always PACKED. */
export function packedFill<U>(n: number, f: (i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < n; i++) out.push(f(i));
  return out;
}
