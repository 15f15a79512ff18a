import type { DataType } from '#db/schema.ts';
import type { Encoder } from './ml/encoders/encoder.ts';
import { loadTextEncoder, TEXT_ENCODER_NAME } from './ml/encoders/text-encoder.ts';
import { describeImageModel, IMAGE_ENCODER_NAME, loadImageEncoder } from './ml/encoders/image-encoder.ts';

/** The encoders of one trainer process, each loaded on first use and kept. */
export interface EncoderPool {
  /** The encoder name a project of this data type is embedded with. */
  nameFor(dataType: DataType): string;
  text(): Promise<Encoder<string>>;
  /** Throws ImageModelMissingError with a clear message when no image model is configured. */
  image(): Promise<Encoder<Uint8Array>>;
  imageModelStatus(): ReturnType<typeof describeImageModel>;
  dispose(): void;
}

export function createEncoderPool(config: { imageModelDir?: string }): EncoderPool {
  let text: Promise<Encoder<string>> | undefined;
  let image: Promise<Encoder<Uint8Array>> | undefined;
  // A failed load is not cached: fixing the configuration and retrying the job works without a restart.
  const keep = <T>(load: () => Promise<T>, reset: () => void) =>
    load().catch((error: unknown) => {
      reset();
      throw error;
    });
  return {
    nameFor: (dataType) => (dataType === 'image' ? IMAGE_ENCODER_NAME : TEXT_ENCODER_NAME),
    text() {
      text ??= keep(loadTextEncoder, () => (text = undefined));
      return text;
    },
    image() {
      image ??= keep(() => loadImageEncoder(config.imageModelDir ?? ''), () => (image = undefined));
      return image;
    },
    imageModelStatus: () => describeImageModel(config.imageModelDir),
    dispose() {
      void text?.then((e) => e.dispose()).catch(() => undefined);
      void image?.then((e) => e.dispose()).catch(() => undefined);
    },
  };
}
