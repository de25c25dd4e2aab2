import { Readable, Writable } from 'node:stream';
import { type CliOptions, main } from '../../cli/main.js';

/** A writable stream that keeps what it is given, as text. */
export function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/** What {@link runCli} saw. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with `stdinText` as its input. */
export async function runCli(
  argv: string[],
  stdinText = '',
  options: CliOptions = {},
): Promise<CliRun> {
  const out = capture();
  const err = capture();
  const code = await main(
    argv,
    { stdin: Readable.from([stdinText]), stdout: out.stream, stderr: err.stream },
    options,
  );
  return { code, stdout: out.text(), stderr: err.text() };
}
