import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `npm run trainer`'s entry as its own process, as production runs it; resolves once it
 * says it is ready. Its output is kept on `child.output` for failure messages.
 */
export function startTrainerProcess(env: Record<string, string>): Promise<ChildProcess & { output: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'trainer/index.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const withOutput = Object.assign(child, { output });
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('[trainer] ready')) resolve(withOutput);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`trainer exited (${code}) before it was ready:\n${output.join('')}`)));
  });
}
