import * as net from 'node:net';
import * as tls from 'node:tls';

/** TLS settings of a local listener: PEM strings, as the local CA produces them. */
export interface ListenerTls {
  readonly key: string;
  readonly cert: string;
  /** CA that signed `cert`; also used to verify client certificates when `requestCert` is set. */
  readonly ca?: string;
  readonly requestCert?: boolean;
}

export interface ListenerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  readonly tls?: ListenerTls;
  /**
   * With TLS, also accept plaintext connections on the same port (ElastiCache's transit encryption
   * mode `preferred`). The first byte of a connection decides: 0x16 is a TLS handshake.
   * @default false
   */
  readonly allowPlaintext?: boolean;
  /** Most connections at once; further ones are closed on accept. @default 10000 */
  readonly maxConnections?: number;
  /** Called for every accepted connection (after the TLS handshake, when TLS is used). */
  readonly onConnection: (socket: net.Socket, info: { tls: boolean }) => void;
  /** Called when a connection is refused for exceeding maxConnections, before it is closed. */
  readonly onRefused?: (socket: net.Socket) => void;
}

/** A running listener. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  /** Open sockets (client connections), for accounting. */
  readonly connections: ReadonlySet<net.Socket>;
  /** Stops accepting, destroys every open socket and resolves when the port is free. */
  close(): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;

/** Secure contexts by key, certificate and CA: parsing them is the costly part of a TLS listener. */
const contexts = new Map<string, tls.SecureContext>();

function secureContextFor(settings: ListenerTls): tls.SecureContext {
  const id = `${settings.key}\0${settings.cert}\0${settings.ca ?? ''}`;
  let context = contexts.get(id);
  if (context === undefined) {
    context = tls.createSecureContext({ key: settings.key, cert: settings.cert, ca: settings.ca });
    contexts.set(id, context);
  }
  return context;
}

/**
 * Starts a TCP (or TLS) listener that tracks its sockets, so that `close()` never waits for idle
 * clients: a Node server's own close() waits for every open socket, which keeps test runners alive.
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 10_000;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const secureContext = options.tls ? secureContextFor(options.tls) : undefined;

  const accept = (socket: net.Socket, isTls: boolean) => {
    if (sockets.size >= maxConnections) {
      options.onRefused?.(socket);
      socket.destroy();
      return;
    }
    track(socket);
    options.onConnection(socket, { tls: isTls });
  };

  const upgrade = (raw: net.Socket) => {
    const secure = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext,
      requestCert: options.tls?.requestCert ?? false,
      rejectUnauthorized: options.tls?.requestCert ?? false,
    });
    track(secure);
    secure.once('secure', () => {
      sockets.delete(secure);
      accept(secure, true);
    });
    // A failed handshake (wrong CA, plaintext on a TLS-only port) ends just this connection.
    secure.on('error', () => secure.destroy());
  };

  const server = net.createServer({ noDelay: true }, (raw) => {
    raw.on('error', () => raw.destroy());
    if (!options.tls) {
      accept(raw, false);
      return;
    }
    if (!options.allowPlaintext) {
      upgrade(raw);
      return;
    }
    track(raw);
    raw.once('readable', () => {
      const first = raw.read(1) as Buffer | null;
      sockets.delete(raw);
      if (first === null) {
        raw.destroy();
        return;
      }
      raw.unshift(first);
      if (first[0] === TLS_HANDSHAKE) upgrade(raw);
      else accept(raw, false);
    });
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    host,
    port: address.port,
    connections: sockets,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}
