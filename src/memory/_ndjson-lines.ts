import { ValidationError } from '../errors/families.js';
import { utf8ByteLength } from '../text/utf8.js';

/* The streaming line splitter behind `ndjsonLines`. */

export async function* splitLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  maxLineBytes: number,
): AsyncGenerator<string> {
  // Bytes are split at 0x0A before decoding (it never occurs inside a UTF-8
  // sequence), so a decoding error names its exact line. The decoder is
  // flushed at each newline, which would re-arm its BOM handling, so the BOM
  // is dropped by hand at the very start only.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let lineNumber = 1;
  let current = '';
  // An upper bound of current's UTF-8 size (a surrogate pair split across
  // string chunks counts 6 instead of 4), made exact when it passes the limit.
  let bytes = 0;
  let started = false;
  const ready: string[] = [];

  const tooLong = () =>
    new ValidationError(
      'invalid_input',
      `Line ${lineNumber} of the input is longer than ${maxLineBytes} bytes (option maxLineBytes).`,
      { data: { line: lineNumber, maxLineBytes } },
    );
  const append = (text: string) => {
    if (text === '') return;
    if (!started) {
      started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    current += text;
    bytes += utf8ByteLength(text);
    if (bytes > maxLineBytes) {
      bytes = utf8ByteLength(current);
      if (bytes > maxLineBytes) throw tooLong();
    }
  };
  const decode = (segment?: Uint8Array, stream = false) => {
    try {
      append(decoder.decode(segment, { stream }));
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new ValidationError(
        'invalid_input',
        `Line ${lineNumber} of the input is not valid UTF-8.`,
        { data: { line: lineNumber }, cause: error },
      );
    }
  };
  const endLine = () => {
    ready.push(current.endsWith('\r') ? current.slice(0, -1) : current);
    started = true;
    current = '';
    bytes = 0;
    lineNumber++;
  };

  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      decode();
      let from = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
        append(chunk.slice(from, nl));
        endLine();
        from = nl + 1;
      }
      append(chunk.slice(from));
    } else if (chunk instanceof Uint8Array) {
      let from = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
        decode(chunk.subarray(from, nl));
        endLine();
        from = nl + 1;
      }
      decode(chunk.subarray(from), true);
    } else {
      throw new ValidationError(
        'invalid_input',
        `ndjsonLines takes string or Uint8Array chunks, got ${chunk === null ? 'null' : typeof chunk}.`,
        { data: { line: lineNumber } },
      );
    }
    yield* ready.splice(0);
  }
  decode();
  if (current !== '') endLine();
  yield* ready.splice(0);
}
