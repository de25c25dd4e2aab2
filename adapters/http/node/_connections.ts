import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Ends the connections shutdown should not wait for. Node itself knows
 * which connections sit idle between keep-alive requests
 * (`closeIdleConnections`), but not those a client opened and never sent a
 * request on; those are tracked here until their first request. Nothing is
 * counted per request, which keeps the tracking off the hot path.
 */
export class ConnectionTracker {
  /** Connections that have not started a request yet. */
  readonly #unused = new Set<Socket>();

  constructor(readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#unused.add(socket);
      socket.once('close', () => this.#unused.delete(socket));
    });
    server.on('request', (request: { socket: Socket }) => {
      this.#unused.delete(request.socket);
    });
  }

  /**
   * Ends every idle connection now. Busy ones end once their answer is out:
   * while the runtime drains, every answer says `Connection: close`.
   */
  closeIdle(): void {
    for (const socket of this.#unused) socket.end();
    this.#unused.clear();
    this.server.closeIdleConnections();
  }

  /** Cuts every connection. */
  destroyAll(): void {
    for (const socket of this.#unused) socket.destroy();
    this.server.closeAllConnections();
  }
}
