/**
 * A small seeded random number generator (xoshiro128**, seeded through splitmix32) with the
 * draws the models need. `Math.random` cannot be seeded, and every fit, sample and synthetic
 * population must be reproducible from a seed.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Gamma with shape and rate (mean shape / rate). */
  gamma(shape: number, rate: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
}

/**
 * Creates a reproducible generator; equal seeds give equal streams.
 * @example const rng = createRng(42); const u = rng.next(); // 0 <= u < 1
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextUint = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => nextUint() / 4294967296;
  let spareNormal: number | null = null;

  const normal = (): number => {
    if (spareNormal !== null) {
      const v = spareNormal;
      spareNormal = null;
      return v;
    }
    // Marsaglia's polar method yields two independent normals per accepted pair.
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        spareNormal = v * f;
        return u * f;
      }
    }
  };

  const gamma = (shape: number, rate: number): number => {
    if (!(shape > 0) || !(rate > 0)) throw new RangeError(`gamma draw needs shape > 0 and rate > 0, got ${shape}, ${rate}`);
    // Marsaglia & Tsang (2000); for shape < 1 draw with shape + 1 and scale by U^(1/shape).
    const boost = shape < 1 ? Math.pow(1 - next(), 1 / shape) : 1;
    const k = shape < 1 ? shape + 1 : shape;
    const dd = k - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return (dd * v * boost) / rate;
    }
  };

  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal,
    exponential: (rate) => -Math.log(1 - next()) / rate,
    gamma,
    beta: (alpha, beta) => {
      const x = gamma(alpha, 1);
      return x / (x + gamma(beta, 1));
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
