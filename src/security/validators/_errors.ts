import { SecurityError } from '../../errors/families.js';
import type { PathDeniedData, UrlDeniedData } from './denials.js';

const SHOWN = 256;

/** Cuts untrusted text for messages and error data. */
export function shorten(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 3)}...` : text;
}

/** A `url_denied` error. */
export function urlDenied(message: string, data: UrlDeniedData): SecurityError<UrlDeniedData> {
  return new SecurityError<UrlDeniedData>('url_denied', message, { data });
}

/** A `path_denied` error. */
export function pathDenied(
  message: string,
  data: PathDeniedData,
  cause?: unknown,
): SecurityError<PathDeniedData> {
  return new SecurityError<PathDeniedData>(
    'path_denied',
    message,
    cause === undefined ? { data } : { data, cause },
  );
}
