// A minimal safetensors reader for the tfjs peer (F32, F16, BF16 → Float32Array).
// bert-ts has its own loader; this one keeps the peer independent of it.
import { readFileSync } from 'node:fs';

function f16(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** name → { shape, data: Float32Array } */
export function readSafetensorsF32(path) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const base = 8 + n;
  const out = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const bytes = buf.subarray(base + b, base + e);
    let data;
    if (info.dtype === 'F32') data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    else if (info.dtype === 'F16' || info.dtype === 'BF16') {
      const u = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      data = new Float32Array(u.length);
      const bits = new Uint32Array(data.buffer);
      for (let i = 0; i < u.length; i++) {
        if (info.dtype === 'BF16') bits[i] = u[i] << 16;
        else data[i] = f16(u[i]);
      }
    } else continue; // integer buffers (position_ids)
    out.set(name, { shape: info.shape, data });
  }
  return out;
}
