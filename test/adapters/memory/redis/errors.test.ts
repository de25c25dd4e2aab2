import { MemoryError, ValidationError } from 'skreaver';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../../../adapters/_shared/redis-availability.js';
import { toMemoryError } from '../../../../adapters/memory/redis/_errors.js';

function withCode(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('Redis error mapping', () => {
  const unavailable: [string, Error][] = [
    ['ECONNREFUSED', withCode('ECONNREFUSED')],
    ['ECONNRESET', withCode('ECONNRESET')],
    ['ETIMEDOUT', withCode('ETIMEDOUT')],
    ['a closed connection', new Error('Connection is closed.')],
    [
      'a disabled offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['a command timeout', new Error('Command timed out')],
    ['MaxRetriesPerRequestError', named('MaxRetriesPerRequestError', 'Reached the max retries')],
    ['ClusterAllFailedError', named('ClusterAllFailedError', 'Failed to refresh slots cache.')],
    ['LOADING', new Error('LOADING Redis is loading the dataset in memory')],
    ['CLUSTERDOWN', new Error('CLUSTERDOWN The cluster is down')],
  ];
  for (const [what, error] of unavailable) {
    it(`maps ${what} to memory_unavailable with the cause`, () => {
      expect(isUnavailable(error)).toBe(true);
      const mapped = toMemoryError(error, 'load');
      expect(mapped).toBeInstanceOf(MemoryError);
      expect(mapped).toMatchObject({
        code: 'memory_unavailable',
        cause: error,
        data: { operation: 'load' },
      });
    });
  }

  it('maps other failures to memory_io with the cause', () => {
    for (const error of [
      new Error('WRONGTYPE Operation against a key'),
      new Error('OOM command not allowed'),
      'text',
    ]) {
      expect(isUnavailable(error)).toBe(false);
      expect(toMemoryError(error, 'store')).toMatchObject({ code: 'memory_io', cause: error });
    }
  });

  it('names the last connection error in the message and data', () => {
    const mapped = toMemoryError(
      named('MaxRetriesPerRequestError', 'Reached the max retries'),
      'store',
      withCode('ECONNREFUSED'),
    ) as MemoryError;
    expect(mapped.message).toContain('ECONNREFUSED');
    expect(mapped.data).toEqual({
      operation: 'store',
      connectionError: 'connect ECONNREFUSED 127.0.0.1:6379',
    });
  });

  it('passes skreaver errors through unchanged', () => {
    const error = new ValidationError('invalid_identifier', 'bad key');
    expect(toMemoryError(error, 'load')).toBe(error);
  });
});
