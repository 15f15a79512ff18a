/**
 * How a model version's weights are stored: one byte string holding a JSON header (the head's
 * meta plus our own: label ids in class order, encoder) followed by the head's raw weights.
 */
export interface ModelBlob {
  meta: Record<string, unknown>;
  weights: Uint8Array;
}

const MAGIC = 0x53494654; // "SIFT"

export function packModel(blob: ModelBlob): Buffer {
  const header = Buffer.from(JSON.stringify(blob.meta), 'utf8');
  const out = Buffer.alloc(8 + header.length + blob.weights.length);
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(header.length, 4);
  header.copy(out, 8);
  Buffer.from(blob.weights.buffer, blob.weights.byteOffset, blob.weights.byteLength).copy(out, 8 + header.length);
  return out;
}

export function unpackModel(data: Buffer): ModelBlob {
  if (data.length < 8 || data.readUInt32BE(0) !== MAGIC) throw new Error('not a Sift model blob');
  const length = data.readUInt32BE(4);
  const meta = JSON.parse(data.subarray(8, 8 + length).toString('utf8')) as Record<string, unknown>;
  // Copy so the weights are aligned for Float32Array views.
  const weights = new Uint8Array(data.subarray(8 + length));
  return { meta, weights };
}
