import * as tf from '@tensorflow/tfjs';

/**
 * A faster forward pass for a straight chain of convolution → batch norm → activation blocks ending
 * in global average pooling, such as Keras' MobileNet v1. The layers model runs each block as three
 * ops; on the wasm backend the separate batch norm and relu6 (`minimum`) passes over the
 * activations took twice as long as the convolutions themselves. Folding the batch norm into the
 * kernel and bias (`w·s`, `(b − mean)·s + beta`, with `s = gamma / √(var + ε)`) and letting the
 * fused conv op apply the activation leaves one op per block. Same function, up to float rounding.
 */
export interface FusedConvChain {
  /** [n, h, w, c] pixels → [n, features]. Call inside tf.tidy or dispose the result. */
  apply(input: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

interface Block {
  kind: 'conv' | 'depthwise';
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'linear' | 'relu' | 'relu6';
}

interface LayerConfig {
  activation?: string;
  strides?: [number, number];
  padding?: 'same' | 'valid' | 'causal';
  dilation_rate?: [number, number];
  data_format?: string;
  use_bias?: boolean;
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

const ACTIVATIONS = new Set(['linear', 'relu', 'relu6']);

/**
 * Builds the folded chain from `model`'s layers up to and including `outputLayer`, or returns
 * undefined when the layers are not a chain this function understands (the caller then keeps the
 * layers model). The folded weights are new tensors; the model's own are untouched.
 */
export function foldConvChain(model: tf.LayersModel, outputLayer: string): FusedConvChain | undefined {
  const end = model.layers.findIndex((layer) => layer.name === outputLayer);
  if (end < 0 || model.layers[end]!.getClassName() !== 'GlobalAveragePooling2D') return undefined;
  if (!isChain(model.layers.slice(0, end + 1))) return undefined;
  const layers = model.layers.slice(model.layers[0]?.getClassName() === 'InputLayer' ? 1 : 0, end);
  const blocks: Block[] = [];
  try {
    for (let i = 0; i < layers.length; ) {
      const [block, used] = readBlock(layers.slice(i, i + 3));
      blocks.push(block);
      i += used;
    }
  } catch (error) {
    disposeBlocks(blocks);
    if (error instanceof UnsupportedLayerError) return undefined;
    throw error;
  }
  return {
    apply: (input) => tf.tidy(() => tf.mean(blocks.reduce(applyBlock, input), [1, 2]) as tf.Tensor2D),
    dispose: () => disposeBlocks(blocks),
  };
}

function disposeBlocks(blocks: readonly Block[]): void {
  tf.dispose(blocks.flatMap((block) => [block.filter, block.bias]));
}

class UnsupportedLayerError extends Error {}

function applyBlock(x: tf.Tensor4D, block: Block): tf.Tensor4D {
  const args = { x, filter: block.filter, bias: block.bias, strides: block.strides, pad: block.pad, activation: block.activation };
  return block.kind === 'conv' ? tf.fused.conv2d(args) : tf.fused.depthwiseConv2d(args);
}

/** Every layer is used once and its input is the previous layer's output: no branches, no skips. */
function isChain(layers: tf.layers.Layer[]): boolean {
  return layers.every((layer, k) => layer.inboundNodes.length === 1 && (k === 0 || layer.input === layers[k - 1]!.output));
}

/** Reads one conv [+ batch norm] [+ activation] block from the front of `layers`. */
function readBlock(layers: tf.layers.Layer[]): [Block, number] {
  const [conv, maybeNorm] = layers;
  const className = conv?.getClassName();
  const kind = className === 'Conv2D' ? 'conv' : className === 'DepthwiseConv2D' ? 'depthwise' : undefined;
  if (!conv || !kind) throw new UnsupportedLayerError(`unsupported layer ${className}`);
  const config = conv.getConfig() as LayerConfig;
  const plain = (config.dilation_rate ?? [1, 1]).every((d) => d === 1) && config.data_format !== 'channels_first';
  if (!plain || (config.padding !== 'same' && config.padding !== 'valid')) throw new UnsupportedLayerError('unsupported conv options');
  let activation = config.activation ?? 'linear';
  // A norm or activation can only be folded in when nothing non-linear sits between it and the conv.
  const norm = maybeNorm?.getClassName() === 'BatchNormalization' && activation === 'linear' ? maybeNorm : undefined;
  if (norm) checkNormAxis(norm);
  let used = norm ? 2 : 1;
  const next = layers[used];
  if (next?.getClassName() === 'Activation' && activation === 'linear') {
    activation = (next.getConfig() as LayerConfig).activation ?? '';
    used += 1;
  }
  if (!ACTIVATIONS.has(activation)) throw new UnsupportedLayerError(`unsupported activation ${activation}`);
  const weights = foldWeights(conv, kind, norm);
  return [{ kind, ...weights, strides: config.strides ?? [1, 1], pad: config.padding, activation: activation as Block['activation'] }, used];
}

function checkNormAxis(norm: tf.layers.Layer): void {
  const { axis } = norm.getConfig() as LayerConfig;
  const axes = Array.isArray(axis) ? axis : [axis ?? -1];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== 3)) throw new UnsupportedLayerError('batch norm not over channels');
}

/** New filter and bias tensors: the conv's own, with the batch norm (if any) folded in. */
function foldWeights(conv: tf.layers.Layer, kind: Block['kind'], norm: tf.layers.Layer | undefined): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const [kernel, convBias] = conv.getWeights() as [tf.Tensor4D, tf.Tensor1D | undefined];
  const [h, w, inChannels, last] = kernel.shape;
  const outChannels = kind === 'conv' ? last : inChannels * last;
  return tf.tidy(() => {
    const bias = convBias ?? tf.zeros<tf.Rank.R1>([outChannels]);
    if (!norm) return { filter: kernel.clone(), bias: bias.clone() };
    const config = norm.getConfig() as LayerConfig;
    const weights = [...norm.getWeights()];
    const gamma = config.scale === false ? undefined : weights.shift();
    const beta = config.center === false ? undefined : weights.shift();
    const [mean, variance] = weights as [tf.Tensor1D, tf.Tensor1D];
    const scale: tf.Tensor1D = tf.rsqrt(variance.add(config.epsilon ?? 1e-3)).mul(gamma ?? 1);
    // A depthwise kernel's output channel c·m + k comes from input channel c, multiplier k.
    const filterScale = kind === 'conv' ? scale : scale.reshape([1, 1, inChannels, last]);
    return {
      filter: kernel.mul(filterScale).reshape([h, w, inChannels, last]) as tf.Tensor4D,
      bias: bias.sub(mean).mul(scale).add(beta ?? 0) as tf.Tensor1D,
    };
  });
}
