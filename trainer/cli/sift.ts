/**
 * The `sift` command line: `sift simulate` and `sift audit` work on files alone; `sift import` and
 * `sift export` talk to a running server with a project API key.
 */
import { runAudit, USAGE as AUDIT_USAGE } from './audit.ts';
import { runExport, USAGE as EXPORT_USAGE } from './export.ts';
import { runImport, USAGE as IMPORT_USAGE } from './import.ts';
import { runSimulate, USAGE as SIMULATE_USAGE } from './simulate.ts';

interface Command {
  run: (argv: string[]) => Promise<void>;
  usage: string;
}

const commands: Record<string, Command> = {
  simulate: { run: runSimulate, usage: SIMULATE_USAGE },
  audit: { run: runAudit, usage: AUDIT_USAGE },
  import: { run: runImport, usage: IMPORT_USAGE },
  export: { run: runExport, usage: EXPORT_USAGE },
};
const USAGE = `usage: sift <command> [options] (sift <command> --help for its options)\ncommands: ${Object.keys(commands).join(', ')}`;
const wantsHelp = (argv: string[]) => argv.includes('--help') || argv.includes('-h');

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    if (name === 'help' || (name && wantsHelp([name]))) return console.log(USAGE);
    console.error(USAGE);
    process.exit(2);
  }
  if (wantsHelp(rest)) return console.log(command.usage);
  await command.run(rest);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`sift: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.SIFT_DEBUG) console.error(error);
    process.exit(1);
  },
);
