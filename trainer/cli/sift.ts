/** The `sift` command line: `sift simulate ...` and `sift audit ...`, standalone (no server needed). */
import { runAudit } from './audit.ts';
import { runSimulate } from './simulate.ts';

const commands: Record<string, (argv: string[]) => Promise<void>> = { simulate: runSimulate, audit: runAudit };

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`usage: sift <command> [options]\ncommands: ${Object.keys(commands).join(', ')}`);
    process.exit(2);
  }
  await command(rest);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`sift: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SIFT_DEBUG) console.error(error);
    process.exit(1);
  },
);
