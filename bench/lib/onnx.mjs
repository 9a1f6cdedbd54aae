// A tiny ONNX model writer (protobuf by hand) for the matmul benchmark of the
// onnxruntime peers: one Gemm node y = x · Wᵀ, the same product as bert-ts's
// `linear`, with W stored in the model as an initializer (as in a real
// export, so onnxruntime may pre-pack it). Only the few fields needed are written.

const enc = new TextEncoder();

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return new Uint8Array(out);
}
function concat(parts) {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => concat([key(field, 0), varint(n)]);
const bytes = (field, b) => concat([key(field, 2), varint(b.length), b]);
const str = (field, s) => bytes(field, enc.encode(s));
const FLOAT = 1;

/** ValueInfoProto for a float tensor of the given shape. */
function valueInfo(name, dims) {
  const shape = concat(dims.map((d) => bytes(1, int(1, d)))); // TensorShapeProto.dim { dim_value }
  const tensorType = concat([int(1, FLOAT), bytes(2, shape)]);
  return concat([str(1, name), bytes(2, bytes(1, tensorType))]);
}

/** TensorProto with raw little-endian float32 data. */
function initializer(name, dims, data) {
  return concat([
    ...dims.map((d) => int(1, d)),
    int(2, FLOAT),
    str(8, name),
    bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  ]);
}

/** Bytes of an ONNX model computing y[M,N] = x[M,K] · w[N,K]ᵀ with w built in. */
export function gemmModel(M, K, N, w) {
  const transB = concat([str(1, 'transB'), int(3, 1), int(20, 2 /* INT */)]);
  const node = concat([str(1, 'x'), str(1, 'w'), str(2, 'y'), str(4, 'Gemm'), bytes(5, transB)]);
  const graph = concat([
    bytes(1, node),
    str(2, 'linear'),
    bytes(5, initializer('w', [N, K], w)),
    bytes(11, valueInfo('x', [M, K])),
    bytes(12, valueInfo('y', [M, N])),
  ]);
  const opset = concat([str(1, ''), int(2, 13)]);
  return concat([int(1, 8 /* ir_version */), bytes(7, graph), bytes(8, opset)]);
}
