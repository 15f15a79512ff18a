/** CRC-32 lookup table (IEEE polynomial, reflected), as used by zip and PNG. */
const table = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * Computes the CRC-32 that zip entries and PNG chunks carry. Written out because
 * `zlib.crc32` only exists from Node 20.15 and the engines field allows 20.10.
 * `previous` continues a running CRC over data that arrives in pieces.
 */
export function computeCrc32(data: Uint8Array, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
