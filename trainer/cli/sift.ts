/**
 * The `sift` command line: `sift simulate` and `sift audit` work on files alone; `sift import` and
 * `sift export` talk to a running server with a project API key.
 */
import { runAudit } from './audit.ts';
import { runExport } from './export.ts';
import { runImport } from './import.ts';
import { runSimulate } from './simulate.ts';

const commands: Record<string, (argv: string[]) => Promise<void>> = { simulate: runSimulate, audit: runAudit, import: runImport, export: runExport };

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
