import type * as http from 'node:http';
import type { Agent, AgentOptions } from 'node:http';
import type * as https from 'node:https';

/** `node:http` or `node:https`, whichever the URL needs. */
export type HttpModule = typeof http | typeof https;

/** Loads the HTTP module for `protocol` lazily, so http instrumentation can patch the module first. */
export async function httpModule(protocol: string): Promise<HttpModule> {
  return protocol === 'https:' ? await import('node:https') : await import('node:http');
}

/**
 * A keep-alive agent whose sockets never keep the host process alive: an export or upload in
 * flight when the process would otherwise exit is abandoned, not waited for.
 */
export function unrefAgent(mod: HttpModule, options: AgentOptions = {}): Agent {
  const agent = new mod.Agent({ keepAlive: true, ...options });
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<typeof create>) => {
    const socket = create(...args);
    unref(socket);
    return socket;
  };
  // Node's agent re-refs a kept-alive socket when it reuses it; undo that too.
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, request) => {
    reuse(socket, request);
    unref(socket);
  };
  return agent;
}

function unref(socket: unknown): void {
  (socket as { unref?: () => void } | undefined)?.unref?.();
}
