/** A JSON-RPC error response with no id, the way the SDK's HTTP transport writes them. */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  data?: Readonly<Record<string, unknown>>,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const error = data === undefined ? { code, message } : { code, message, data };
  return new Response(JSON.stringify({ jsonrpc: '2.0', error, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A request body read up to a cap. */
export type CappedBody =
  | { readonly tooLarge: true }
  | { readonly tooLarge: false; readonly text: string };

/**
 * Reads the body as UTF-8 text, stopping as soon as it passes `maxBytes`
 * (a declared `Content-Length` over the cap is refused without reading).
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { tooLarge: true };
  }
  const body = request.body;
  if (body === null) return { tooLarge: false, text: '' };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { tooLarge: true };
    }
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  return { tooLarge: false, text };
}

/** Whether a parsed body holds an `initialize` request. */
export function hasInitialize(body: unknown): boolean {
  const isInit = (message: unknown): boolean =>
    typeof message === 'object' &&
    message !== null &&
    (message as { method?: unknown }).method === 'initialize';
  return Array.isArray(body) ? body.some(isInit) : isInit(body);
}

/**
 * Passes `response` through unchanged, calling `onEnd` once when its body
 * has been read to the end (`false`) or was cancelled by the client going
 * away (`true`). A response without a body ends at once.
 */
export function watchResponse(response: Response, onEnd: (cancelled: boolean) => void): Response {
  const source = response.body;
  if (source === null) {
    onEnd(false);
    return response;
  }
  let ended = false;
  const end = (cancelled: boolean): void => {
    if (ended) return;
    ended = true;
    onEnd(cancelled);
  };
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          end(false);
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        controller.error(error);
        end(true);
      }
    },
    cancel(reason) {
      end(true);
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
