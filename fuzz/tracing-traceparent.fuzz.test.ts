import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
// The reference implementation, installed with @opentelemetry/sdk-trace-base (a dev dependency):
// our parser must agree with it wherever the two are meant to agree.
import { parseTraceParent as referenceParse } from '@opentelemetry/core';
import fc from 'fast-check';
import {
  formatTraceparent,
  parseTraceparent,
  w3cTraceContextPropagator,
} from 'skreaver/tracing/otel';
import { describe, expect, it } from 'vitest';

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const traceId = hex(32).filter((id) => !/^0+$/.test(id));
const spanId = hex(16).filter((id) => !/^0+$/.test(id));
const flags = fc.integer({ min: 0, max: 255 });
const byte = (n: number) => n.toString(16).padStart(2, '0');

/** Characters that make up near-miss headers: hex of both cases, separators, junk. */
const nearChar = fc.constantFrom(...'0123456789abcdefABCDEF-xz_.');
/** Valid-looking headers with a few characters changed, dropped or added. */
const nearMiss = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant('00') },
      hex(2),
      fc.constant('ff'),
      fc.constant('01'),
    ),
    fc.oneof({ weight: 5, arbitrary: traceId }, fc.constant('0'.repeat(32))),
    fc.oneof({ weight: 5, arbitrary: spanId }, fc.constant('0'.repeat(16))),
    flags.map(byte),
    fc.option(fc.string({ unit: fc.constantFrom(...'-abc123=;!~'), maxLength: 8 }), {
      nil: undefined,
    }),
    // Usually no edit and no cut, so that a good share of headers is valid.
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      fc.array(fc.tuple(fc.nat(60), nearChar), { minLength: 1, maxLength: 2 }),
    ),
    fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.nat(60)),
  )
  .map(([version, trace, span, flag, suffix, edits, cut]) => {
    let text = `${version}-${trace}-${span}-${flag}${suffix === undefined ? '' : `-${suffix}`}`;
    for (const [at, char] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + char + text.slice(i + 1);
    }
    return cut === undefined ? text : text.slice(0, cut);
  });

describe('parseTraceparent', () => {
  it('round-trips every valid version-00 header through formatTraceparent', () => {
    fc.assert(
      fc.property(traceId, spanId, flags, (t, s, f) => {
        const header = `00-${t}-${s}-${byte(f)}`;
        const parsed = parseTraceparent(header);
        expect(parsed).toEqual({ version: '00', traceId: t, spanId: s, traceFlags: f });
        const formatted = formatTraceparent(parsed as NonNullable<typeof parsed>);
        // Version 00 defines only the sampled flag; formatting keeps only it.
        expect(formatted).toBe(`00-${t}-${s}-${f & 1 ? '01' : '00'}`);
        expect(parseTraceparent(formatted)?.traceId).toBe(t);
      }),
    );
  });

  it('agrees with @opentelemetry/core on near-miss headers', () => {
    fc.assert(
      fc.property(nearMiss, (header) => {
        const ours = parseTraceparent(header);
        const reference = referenceParse(header);
        if (reference === null) {
          expect(ours).toBeUndefined();
        } else {
          expect(ours).toEqual({ version: header.slice(0, 2), ...reference });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, and accepts only lower-case hex ids that are not all zero', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), nearMiss), (header) => {
        const parsed = parseTraceparent(header);
        if (parsed === undefined) return;
        expect(parsed.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(parsed.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(parsed.traceId).not.toMatch(/^0+$/);
        expect(parsed.spanId).not.toMatch(/^0+$/);
        expect(parsed.version).not.toBe('ff');
        expect(parsed.traceFlags).toBeGreaterThanOrEqual(0);
        expect(parsed.traceFlags).toBeLessThanOrEqual(255);
      }),
    );
    for (const value of [undefined, null, 42, {}, ['00']])
      expect(parseTraceparent(value)).toBeUndefined();
  });

  it('rejects any single changed character in a field', () => {
    fc.assert(
      fc.property(
        traceId,
        spanId,
        fc.nat(54),
        fc.constantFrom(...'ABCDEFgxz-_ .'),
        (t, s, at, char) => {
          const header = `00-${t}-${s}-01`;
          fc.pre(header[at] !== char);
          const changed = header.slice(0, at) + char + header.slice(at + 1);
          // Changing a dash, or a field character to a non-hex one, always invalidates.
          expect(parseTraceparent(changed)).toBeUndefined();
        },
      ),
    );
  });

  it('ignores surrounding spaces and tabs, and nothing else', () => {
    fc.assert(
      fc.property(
        traceId,
        spanId,
        fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }),
        fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }),
        fc.constantFrom('\n', '\r', '\u00a0', '\u2028'),
        (t, s, before, after, other) => {
          const header = `00-${t}-${s}-01`;
          expect(parseTraceparent(before + header + after)?.spanId).toBe(s);
          expect(parseTraceparent(other + header)).toBeUndefined();
          expect(parseTraceparent(header + other)).toBeUndefined();
        },
      ),
    );
  });
});

describe('w3cTraceContextPropagator', () => {
  it('injects what it extracts', () => {
    const propagator = w3cTraceContextPropagator();
    fc.assert(
      fc.property(traceId, spanId, fc.boolean(), (t, s, sampled) => {
        const header = `00-${t}-${s}-${sampled ? '01' : '00'}`;
        const extracted = propagator.extract(
          ROOT_CONTEXT,
          { traceparent: header },
          defaultTextMapGetter,
        );
        expect(trace.getSpanContext(extracted)?.isRemote).toBe(true);
        const out: Record<string, string> = {};
        propagator.inject(extracted, out, { set: (carrier, key, value) => (carrier[key] = value) });
        expect(out).toEqual({ traceparent: header });
      }),
    );
  });

  it('leaves the context unchanged for anything it cannot parse', () => {
    const propagator = w3cTraceContextPropagator();
    fc.assert(
      fc.property(nearMiss, (header) => {
        fc.pre(parseTraceparent(header) === undefined);
        const extracted = propagator.extract(
          ROOT_CONTEXT,
          { traceparent: header },
          defaultTextMapGetter,
        );
        expect(extracted).toBe(ROOT_CONTEXT);
      }),
    );
  });
});
