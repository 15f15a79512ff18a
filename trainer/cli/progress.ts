/** Progress on stderr: a redrawn bar on a terminal, a line every 10% (or every few seconds) otherwise. */

const WIDTH = 30;

/** `[██████░░░░] 60%  1.2 MB of 2.0 MB`, or without a total `4.1 MB · 12,000 rows`. */
export function renderProgress(done: number, total: number | undefined, detail: string): string {
  if (!total) return detail;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${detail}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface Progress {
  update(done: number, total: number | undefined, detail: string): void;
  finish(message: string): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  let lastStep = -1;
  let lastAt = 0;
  return {
    update(done, total, detail) {
      const line = `${label} ${renderProgress(done, total, detail)}`;
      if (tty) {
        stream.write(`\r${line}\x1b[K`);
        return;
      }
      const step = total ? Math.floor((done / total) * 10) : -1;
      if ((total && step > lastStep) || (!total && Date.now() - lastAt > 2000)) {
        stream.write(`${line}\n`);
        lastStep = step;
        lastAt = Date.now();
      }
    },
    finish(message) {
      stream.write(tty ? `\r${label} ${message}\x1b[K\n` : `${label} ${message}\n`);
    },
  };
}
