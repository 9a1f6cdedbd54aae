// The one builder of raw safetensors bytes for tests that must say exactly which
// bytes are wrong (the writer under test, src/tensor/safetensors.ts, would refuse
// to write them): 8-byte little-endian header length, header text, data.

export interface RawOptions {
  /** pad the header with spaces so that the data starts at this offset mod 8 (the writer pads to 0); default: no padding */
  dataAt?: number;
  /** the length field, when it must lie about the header's length */
  declared?: number;
}

export function safetensorsBytes(header: string, data: Uint8Array = new Uint8Array(0), options: RawOptions = {}): Uint8Array {
  if (options.dataAt !== undefined) while ((8 + new TextEncoder().encode(header).length) % 8 !== options.dataAt) header += ' ';
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(options.declared ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
