/**
 * The fixed held-out split: which Samples no ModelVersion ever trains on. Pure and free of TF.js,
 * so the server's exports report the same split the trainer evaluates on.
 */

/**
 * Whether the sample with this key (e.g. its content hash) belongs to the fixed held-out split.
 * A pure function of the key, so a sample never moves between splits as labels accumulate.
 */
export function isHeldOut(key: string, fraction = 0.2): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  // FNV-1a's low bits mix poorly for short keys; a murmur3 finaliser spreads them over all 32 bits.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4294967296 < fraction;
}
