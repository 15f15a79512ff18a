import { formatBytes } from './format.ts';

/** The same limit as one image of an import; the picked file is shrunk before it is sent. */
export const maxQueryImageBytes = 10 * 1024 * 1024;
// The image encoder looks at 224×224 pixels; twice that keeps detail and stays far below the
// server's request size limit, which a 5 MB photo sent as-is would not.
const maxSide = 448;

/**
 * A picked image as a small JPEG data URL to search with. Throws a message a person can act on
 * for files that are not images or are too large.
 */
export async function readImageQuery(file: File): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error(`“${file.name}” is not an image: pick a PNG, JPEG, GIF or WebP file.`);
  if (file.size > maxQueryImageBytes) throw new Error(`“${file.name}” is ${formatBytes(file.size)}: search with an image up to ${formatBytes(maxQueryImageBytes)}.`);
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error(`“${file.name}” could not be read as an image.`);
  });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot prepare images for search.');
  // JPEG has no transparency; white is what most image datasets put behind their objects.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.9);
}
