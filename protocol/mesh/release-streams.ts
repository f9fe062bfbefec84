// Lets go of incoming streams once a service's handler is done with them. The handlers of
// @libp2p/ping (2.x) and @libp2p/kad-dht (16.x) add an abort listener to an AbortSignal.timeout
// (10 s) and never remove it; Node keeps such a signal, and through the listener the stream, its
// connection and the whole node, alive until the timer fires. So every node stopped within the
// last 10 s stayed in the heap, and over the memory transport the remote node with it. Those
// handlers get a stand-in for the stream that forwards to it while the handler runs and drops it
// when the handler returns.
import type { Connection, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

/** The part of libp2p's registrar a service registers its handlers with. */
interface HandlerRegistrar {
  handle: (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) => Promise<void>
}

/** What a late caller (a leftover timeout listener) sees once the handler returned. */
const RELEASED: Partial<Record<PropertyKey, unknown>> = {
  status: 'closed',
  readStatus: 'closed',
  writeStatus: 'closed',
  abort: () => {},
  close: async () => {}
}

/** A stand-in for `stream` that forwards everything to it until `release()`, then holds nothing. */
export function releasableStream (stream: Stream): { stream: Stream, release: () => void } {
  let target: Stream | undefined = stream
  // Methods are bound to the real stream (its private fields need it) and reused, so a listener
  // added through the stand-in can be removed through it. Functions the stream holds itself (its
  // logger, which carries `.error` and `.newScope`) are handed out as they are.
  const bound = new Map<PropertyKey, unknown>()
  const proxy = new Proxy({}, {
    get: (_, prop) => {
      if (target == null) return RELEASED[prop]
      const value: unknown = Reflect.get(target, prop, target)
      if (typeof value !== 'function' || Object.hasOwn(target, prop)) return value
      let fn = bound.get(prop)
      if (fn == null) bound.set(prop, fn = (value as (...args: unknown[]) => unknown).bind(target))
      return fn
    },
    set: (_, prop, value) => target == null || Reflect.set(target, prop, value, target),
    has: (_, prop) => target != null && prop in target,
    getPrototypeOf: () => target == null ? Object.prototype : Reflect.getPrototypeOf(target)
  }) as Stream
  return {
    stream: proxy,
    release: () => {
      target = undefined
      bound.clear()
    }
  }
}

/** `handler`, given a stand-in for each stream that lets go of it when the handler returns. */
export function releasingHandler (handler: StreamHandler): StreamHandler {
  return async (stream: Stream, connection: Connection) => {
    const held = releasableStream(stream)
    try {
      await handler(held.stream, connection)
    } finally {
      held.release()
    }
  }
}

/**
 * Wraps a service factory so the handlers the service registers get streams that are let go of
 * when they return (see the top of this file).
 */
export function releaseStreamsAfterHandling<C extends { registrar: object }, S> (factory: (components: C) => S): (components: C) => S {
  return (components: C): S => {
    const registrar = components.registrar as HandlerRegistrar
    const handle: HandlerRegistrar['handle'] = async (protocol, handler, options) => {
      await registrar.handle(protocol, releasingHandler(handler), options)
    }
    const wrapped = new Proxy(registrar, {
      get: (target, prop) => {
        if (prop === 'handle') return handle
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      }
    })
    return factory(new Proxy(components, {
      get: (target, prop, receiver) => prop === 'registrar' ? wrapped : Reflect.get(target, prop, receiver)
    }))
  }
}
