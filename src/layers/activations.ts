/**
 * Element-wise activations, in place over n values, and the error function.
 * The names are Hugging Face's `hidden_act` strings (transformers' ACT2FN), and
 * every form is exact: an erf model gets erf GELU, never the tanh shortcut.
 */
import { BertTsError, quote } from '../errors.ts';

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const INV_SQRT_2 = 0.7071067811865476; // 1/√2

/**
 * erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. JavaScript has no Math.erf.
 * |x| < 0.5: the Maclaurin series  2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), 10 terms,
 *            relative error < 1e-12 (keeps full relative accuracy near 0);
 * otherwise: erfc by the Chebyshev fit t·exp(−x² + P(t)), t = 1/(1 + x/2)
 *            (Numerical Recipes' erfcc), fractional error < 1.2e-7 in erfc, so
 *            erf = 1 − erfc is within ~6e-8 relative of the truth (erf ≥ 0.52 here).
 * Both are better than float32's 6e-8 rounding step at the end of the chain.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) {
    const x2 = x * x;
    // Horner form of Σ (−1)ⁿ x^(2n) / (n! (2n+1)), n = 0..9
    const s =
      1 -
      x2 * (1 / 3 -
      x2 * (1 / 10 -
      x2 * (1 / 42 -
      x2 * (1 / 216 -
      x2 * (1 / 1320 -
      x2 * (1 / 9360 -
      x2 * (1 / 75600 -
      x2 * (1 / 685440 - x2 * (1 / 6894720)))))))));
    return TWO_OVER_SQRT_PI * x * s;
  }
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** The activations BERT configs name. Aliases map to one kernel. */
export type Activation =
  | 'gelu' | 'gelu_tanh' | 'gelu_fast' | 'quick_gelu' | 'gelu_10' | 'laplace'
  | 'relu' | 'relu6' | 'relu2' | 'leaky_relu' | 'silu' | 'mish' | 'tanh' | 'sigmoid' | 'linear';

/** Every Activation, in a fixed order: the pool names one to a worker by its index here. */
export const ACTIVATIONS: readonly Activation[] = [
  'gelu', 'gelu_tanh', 'gelu_fast', 'quick_gelu', 'gelu_10', 'laplace',
  'relu', 'relu6', 'relu2', 'leaky_relu', 'silu', 'mish', 'tanh', 'sigmoid', 'linear',
];

/**
 * `hidden_act` → kernel, as transformers' ACT2FN defines them:
 *   gelu, gelu_python           0.5·x·(1 + erf(x/√2))                 (exact)
 *   gelu_new, gelu_pytorch_tanh,
 *   gelu_accurate               0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 *   gelu_fast                   0.5·x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²)))
 *   quick_gelu                  x·σ(1.702·x)
 *   gelu_10                     clip(gelu(x), −10, 10)
 *   laplace                     0.5·(1 + erf((x − 0.707107) / (0.282095·√2)))
 *   relu, relu6 = min(max(x, 0), 6), relu2 = relu(x)², leaky_relu (slope 0.01),
 *   silu = swish = x·σ(x), mish = x·tanh(softplus(x)), tanh, sigmoid, linear = x
 */
export const HIDDEN_ACT: Readonly<Record<string, Activation>> = {
  gelu: 'gelu',
  gelu_python: 'gelu',
  gelu_new: 'gelu_tanh',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu_accurate: 'gelu_tanh',
  gelu_fast: 'gelu_fast',
  quick_gelu: 'quick_gelu',
  gelu_10: 'gelu_10',
  laplace: 'laplace',
  relu: 'relu',
  relu6: 'relu6',
  relu2: 'relu2',
  leaky_relu: 'leaky_relu',
  silu: 'silu',
  swish: 'silu',
  mish: 'mish',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  linear: 'linear',
};

export function activationFor(hiddenAct: string, where: string): Activation {
  // own keys only: "constructor" or "__proto__" must not find Object.prototype's
  const act = Object.hasOwn(HIDDEN_ACT, hiddenAct) ? HIDDEN_ACT[hiddenAct] : undefined;
  if (act === undefined) {
    throw new BertTsError(
      `${where}: hidden_act ${quote(hiddenAct)} is not supported`,
      `supported: ${Object.keys(HIDDEN_ACT).join(', ')}`,
    );
  }
  return act;
}

/** One value, by the formula: the reference the array kernel is tested against. */
export function activationScalar(act: Activation, x: number): number {
  switch (act) {
    case 'gelu':
      return 0.5 * x * (1 + erf(x * INV_SQRT_2));
    case 'gelu_tanh':
      return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case 'gelu_fast':
      return 0.5 * x * (1 + Math.tanh(0.7978845608 * x * (1 + 0.044715 * x * x)));
    case 'quick_gelu':
      return x / (1 + Math.exp(-1.702 * x));
    case 'gelu_10':
      return Math.min(Math.max(0.5 * x * (1 + erf(x * INV_SQRT_2)), -10), 10);
    case 'laplace':
      return 0.5 * (1 + erf((x - 0.707107) / (0.282095 * Math.SQRT2)));
    case 'relu':
      return x > 0 ? x : 0;
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'relu2':
      return x > 0 ? x * x : 0;
    case 'leaky_relu':
      return x >= 0 ? x : 0.01 * x;
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'mish':
      // softplus as PyTorch computes it: x above 20 (its threshold), else log1p(eˣ)
      return x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x)));
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'linear':
      return x;
  }
}

/** x[i] ← act(x[i]) for i in [0, n), on the calling thread (the runtime's kernel table shares large arrays out over the pool). */
export function applyActivation(act: Activation, x: Float32Array, n: number): void {
  applyActivationRange(act, x, 0, n);
}

/** x[i] ← act(x[i]) for i in [i0, i1). One loop per form: no dispatch per element. */
export function applyActivationRange(act: Activation, x: Float32Array, i0: number, i1: number): void {
  switch (act) {
    case 'gelu':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = 0.5 * v * (1 + erf(v * INV_SQRT_2)); }
      return;
    case 'gelu_tanh':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))); }
      return;
    case 'gelu_fast':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = 0.5 * v * (1 + Math.tanh(0.7978845608 * v * (1 + 0.044715 * v * v))); }
      return;
    case 'quick_gelu':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = v / (1 + Math.exp(-1.702 * v)); }
      return;
    case 'relu':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = v > 0 ? v : 0; }
      return;
    case 'silu':
      for (let i = i0; i < i1; i++) { const v = x[i]; x[i] = v / (1 + Math.exp(-v)); }
      return;
    case 'tanh':
      for (let i = i0; i < i1; i++) x[i] = Math.tanh(x[i]);
      return;
    case 'linear':
      return;
    default:
      // the rare forms: per-element dispatch is fine off BERT's hot path
      for (let i = i0; i < i1; i++) x[i] = activationScalar(act, x[i]);
  }
}
