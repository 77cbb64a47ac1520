import { maxHeaderSize } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over
 * the limit, a malformed request line) are answered with the same JSON body as
 * every other error, instead of Node's bare status line with an empty body.
 * Once a 'clientError' listener exists Node no longer answers by itself, so
 * this handles every parser error: 431 for oversized headers, 408 for a
 * request that did not arrive in time, 400 for the rest.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy(err);
      return;
    }
    const [status, error, message] = describe(err);
    const body = JSON.stringify({ statusCode: status, error, message });
    socket.end(
      `HTTP/1.1 ${status} ${error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

function describe(err: NodeJS.ErrnoException): [number, string, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', `the request's headers are larger than ${maxHeaderSize} bytes in all`];
    case 'HPE_HEADER_TIMEOUT':
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request Timeout', 'the request did not arrive in time'];
    default:
      return [400, 'Bad Request', `the request is not well-formed HTTP (${err.code ?? err.message})`];
  }
}
