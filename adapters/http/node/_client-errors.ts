import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type HttpErrorCode, httpStatusOf } from 'skreaver/http';

/** Which error code a Node HTTP parser failure gets. */
export function clientErrorCode(error: NodeJS.ErrnoException): HttpErrorCode {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_TIMEOUT':
      return 'client_timeout';
    default:
      return 'invalid_input';
  }
}

const MESSAGES: Partial<Record<HttpErrorCode, string>> = {
  headers_too_large: 'The request headers are larger than the server accepts.',
  client_timeout: 'The request did not arrive in time.',
  invalid_input: 'The request is not valid HTTP.',
};

/**
 * Answers a request Node could not parse (oversized headers, garbage, a
 * client too slow to send its headers) in the runtime's error format, then
 * closes the connection. Sockets already gone are just destroyed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = clientErrorCode(error);
  const status = httpStatusOf(code);
  const requestId = randomUUID();
  const body = JSON.stringify({
    error: { code, message: MESSAGES[code] ?? 'The request was refused.', requestId },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
