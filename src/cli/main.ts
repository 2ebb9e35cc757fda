// Entry point of the `plasticity` command (bundled to dist-cli/plasticity.js).
// Importing this module runs the command line.
import { UsageError } from './args';
import { EXIT, reportFailure } from './failures';
import { mainHelp, rulesHelp, trainHelp } from './help';
import { packageVersion } from './package-root';
import { rulesCommand } from './rules-command';
import { trainCommand } from './train-command';

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stderr.write(mainHelp(packageVersion()));
      return EXIT.usage;
    case '-h':
    case '--help':
      process.stdout.write(mainHelp(packageVersion()));
      return EXIT.ok;
    case 'help': {
      const topic = rest[0];
      process.stdout.write(topic === 'train' ? trainHelp() : topic === 'rules' ? rulesHelp() : mainHelp(packageVersion()));
      return EXIT.ok;
    }
    case '-v':
    case '--version':
      process.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    case 'train':
      return trainCommand(rest);
    case 'rules':
      return rulesCommand(rest);
    default:
      throw new UsageError(null, `unknown command "${command}". Commands: train, rules; run 'plasticity --help'.`);
  }
}

/** Flushes both streams, then exits: Dawn's threads would otherwise keep Node alive. */
export async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
  process.exit(code);
}

main(process.argv.slice(2))
  .catch(reportFailure)
  .then(exit);
