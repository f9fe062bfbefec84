import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { pino } from 'pino'
import { ConfigError, loadConfigFile, resolveConfig } from '../../rendezvous/config.ts'
import { AddressInUseError } from '../../rendezvous/listen-error.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { StoreSpecError, parseStoreSpec } from '../../rendezvous/stores.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { print } from '../output.ts'
import { webRoot } from '../package-root.ts'
import { untilStopped } from '../signals.ts'
import { guardUpstreamErrors } from '../upstream-errors.ts'
import type { RendezvousConfig } from '../../rendezvous/config.ts'
import type { Command } from 'commander'

interface RendezvousOpts {
  data: string
  config?: string
  listen?: string[]
  http?: string
  metrics?: string
  store?: string
  bootstrap?: string[]
  tlsCert?: string
  tlsKey?: string
  logLevel?: string
  checkConfig?: string
  json?: boolean
}

/** A config problem is the operator's to fix: exit 2, apart from other failures (1). */
function badConfig (err: ConfigError): CliError {
  return new CliError(err.message, 'BAD_CONFIG', 2)
}

function buildConfig (opts: RendezvousOpts): RendezvousConfig {
  let config: RendezvousConfig
  try {
    config = opts.config != null ? loadConfigFile(opts.config) : resolveConfig()
  } catch (err) {
    if (err instanceof ConfigError) throw badConfig(err)
    throw err
  }
  if (opts.listen != null) {
    for (const addr of opts.listen) {
      try {
        multiaddr(addr)
      } catch {
        throw new CliError(`malformed multiaddr: ${addr}`)
      }
    }
    config.listen = opts.listen
  }
  if (opts.http != null) {
    if (opts.http !== 'off' && !/^.+:\d+$/.test(opts.http)) throw new CliError(`--http expects HOST:PORT or off, got ${opts.http}`)
    config.http = opts.http === 'off' ? false : opts.http
  }
  if (opts.metrics != null) {
    if (opts.metrics !== 'off' && !/^.+:\d+$/.test(opts.metrics)) throw new CliError(`--metrics expects HOST:PORT or off, got ${opts.metrics}`)
    config.metrics = opts.metrics === 'off' ? false : opts.metrics
  }
  if (opts.logLevel != null) config.logLevel = opts.logLevel
  if (opts.store != null) config.store = opts.store
  if ((opts.tlsCert == null) !== (opts.tlsKey == null)) throw new CliError('--tls-cert and --tls-key go together')
  if (opts.tlsCert != null && opts.tlsKey != null) config.tls = { certFile: opts.tlsCert, keyFile: opts.tlsKey }
  if (opts.bootstrap != null) {
    for (const addr of opts.bootstrap) {
      try {
        multiaddr(addr)
      } catch {
        throw new CliError(`malformed multiaddr: ${addr}`)
      }
    }
    config.bootstrap = opts.bootstrap
  }
  try {
    parseStoreSpec(config.store, opts.data)
  } catch (err) {
    if (err instanceof StoreSpecError) throw new CliError(err.message)
    throw err
  }
  return config
}

export function registerRendezvous (program: Command): void {
  program.command('rendezvous')
    .description('run a rendezvous node: relay, DHT server, mailbox for offline peers, web app over HTTP')
    .option('--data <dir>', 'data directory (identity, store, rendezvous.json)', join(defaultHome(), 'rendezvous'))
    .option('--config <file>', 'YAML or JSON config file (every key: docs/rendezvous.example.yaml)')
    .option('--listen <multiaddr...>', 'libp2p listen addresses (default: 127.0.0.1 TCP 7701 and WebSockets 7702)')
    .option('--http <host:port>', 'HTTP address for the web app and /healthz, or "off" (default 127.0.0.1:8787); also /metrics while it is loopback')
    .option('--metrics <host:port>', 'own listener for /metrics, or "off" (default: on --http when that is loopback, else 127.0.0.1:8788)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS, and secure WebSockets on /tls/ws listen addresses')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--bootstrap <multiaddr...>', 'other rendezvous nodes to federate with (one DHT; their users reach ours)')
    .option('--store <spec>', 'mailbox storage: sqlite:PATH (default: under --data) or postgres://USER@HOST:PORT/DB (then accounts, prekeys and billing too)')
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug (default warn)')
    .option('--check-config <file>', 'check a config file and exit without starting: "ok" (exit 0), or the problem in one line (exit 2)')
    .option('--json', 'print the ready line as one JSON object')
    .action(async (opts: RendezvousOpts) => {
      if (opts.checkConfig != null) {
        try {
          loadConfigFile(opts.checkConfig)
        } catch (err) {
          if (err instanceof ConfigError) throw badConfig(err)
          throw err
        }
        print(opts, { ok: true, file: opts.checkConfig }, `${opts.checkConfig}: ok`)
        return
      }
      const config = buildConfig(opts)
      // A known libp2p race (see upstream-errors.ts) must not take the node down with everyone on it.
      const guard = guardUpstreamErrors()
      const log = pino({ level: config.logLevel, base: { service: 'rendezvous' } }, pino.destination(2))
      let info
      let node: RendezvousNode | undefined
      try {
        node = new RendezvousNode({
          dataDir: opts.data,
          config,
          log,
          // The node opens every store from config.store (rendezvous/stores.ts).
          webRoot: webRoot()
        })
        info = await node.start()
      } catch (err) {
        await node?.stop().catch(() => {})
        if (err instanceof ConfigError) throw badConfig(err)
        if (err instanceof AddressInUseError) throw new CliError(err.message, err.code)
        throw err
      }
      log.info({ peerId: info.peerId, multiaddrs: info.multiaddrs, http: info.http, metrics: info.metrics }, 'started')
      print(opts, info, `rendezvous ready: peer ${info.peerId} listening on ${info.multiaddrs.join(' ')}${info.http != null ? `; web app on ${info.http}` : ''}${info.metrics != null ? `; metrics on ${info.metrics}` : ''}`)
      await untilStopped()
      log.info({ upstreamErrors: guard.counts }, 'stopping')
      await node.stop()
      guard.release()
    })
}
