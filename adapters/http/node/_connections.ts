import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Knows which connections are answering a request, so that shutdown can end
 * the others at once (idle keep-alive sockets, and sockets a client opened
 * but never used) instead of waiting for their timeouts.
 */
export class ConnectionTracker {
  /** Requests being answered per socket. */
  readonly #active = new Map<Socket, number>();
  #closing = false;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#active.set(socket, 0);
      socket.once('close', () => this.#active.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      this.#active.set(socket, (this.#active.get(socket) ?? 0) + 1);
      response.once('close', () => {
        const left = (this.#active.get(socket) ?? 1) - 1;
        this.#active.set(socket, left);
        if (this.#closing && left === 0) socket.end();
      });
    });
  }

  /** Open connections. */
  get size(): number {
    return this.#active.size;
  }

  /** Ends every idle connection now, and each busy one as soon as its answer is out. */
  closeIdle(): void {
    this.#closing = true;
    for (const [socket, active] of this.#active) if (active === 0) socket.end();
  }

  /** Cuts every connection. */
  destroyAll(): void {
    for (const socket of this.#active.keys()) socket.destroy();
  }
}
