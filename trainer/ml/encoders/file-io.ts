import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A TF.js IOHandler that loads `model.json` and its weight shards from the local disk. Plain
 * @tensorflow/tfjs has no `file://` loader (that lives in tfjs-node, which we cannot rely on), and
 * `tf.io.http` would need a server. The shards are read from the model's directory and
 * concatenated in `weightsManifest` order, the layout TF.js expects for its flat weight buffer.
 * Works for both layers models (`tf.loadLayersModel`) and graph models (`tf.loadGraphModel`).
 */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = path.dirname(modelJsonPath);
  return {
    load: async () => {
      const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(dir, manifest));
    },
  };
}

async function readWeights(
  dir: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs = manifest.flatMap((group) => group.weights);
  const shardPaths = manifest.flatMap((group) => group.paths.map((shard) => path.join(dir, shard)));
  // Reading in parallel is safe: the order comes from `shardPaths`, not from completion.
  const shards = await Promise.all(shardPaths.map((shard) => readFile(shard)));
  return [specs, concatenateShards(shards)];
}

function concatenateShards(shards: readonly Buffer[]): ArrayBuffer {
  const total = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    out.set(shard, offset);
    offset += shard.byteLength;
  }
  return out.buffer;
}
