// Starts a throwaway PostgreSQL server for a test file (vitest beforeAll/afterAll) and hands out a
// fresh database per test, so tests never see each other's rows.
import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

/**
 * The cluster is deleted after the run and no test crashes the server, so flushing to disk buys
 * nothing; commit semantics (what a transaction sees, when NOTIFY fires) are unchanged.
 */
const TEST_SETTINGS = '-c fsync=off -c full_page_writes=off'

export interface PostgresServer {
  /** Connection string of the server's `postgres` database (for admin statements). */
  readonly adminUrl: string
  readonly port: number
  /** Creates an empty database and returns its connection string. */
  createDatabase(): Promise<string>
  stop(): Promise<void>
}

function isExecutable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds the directory holding initdb and pg_ctl. Debian's `postgresql` package puts them in
 * /usr/lib/postgresql/<major>/bin and not on PATH, so look there too (newest major first).
 */
export function findPostgresBin (): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(d => d !== '')
  const versioned = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map(v => `/usr/lib/postgresql/${v}/bin`)
    : []
  const dir = [...dirs, ...versioned].find(d => isExecutable(join(d, 'initdb')) && isExecutable(join(d, 'pg_ctl')))
  if (dir == null) {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin; ' +
      'install them with `apt-get install -y postgresql` (Debian) to run the PostgreSQL tests')
  }
  return dir
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

function quote (arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`
}

/** initdb refuses to run as root, so as root every server command runs as the `postgres` user. */
async function asServerUser (bin: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0
  const command = asRoot ? 'su' : bin
  const argv = asRoot ? ['postgres', '-c', [bin, ...args].map(quote).join(' ')] : args
  try {
    await run(command, argv, { timeout: 60_000 })
  } catch (err) {
    const e = err as Error & { stderr?: string, stdout?: string }
    throw new Error(`${[bin, ...args].join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`)
  }
}

export async function startPostgres (): Promise<PostgresServer> {
  const bin = findPostgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-pg-'))
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a `postgres` user (the postgresql package creates it)')
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'pg')
  const log = join(dir, 'pg.log')
  // -N: the cluster is thrown away after the run, so initdb need not fsync it.
  await asServerUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-N', '-E', 'UTF8', '--locale=C'])
  let port = 0
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    try {
      await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', '-l', log,
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${TEST_SETTINGS}`, 'start'])
      break
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
        throw new Error(`${(err as Error).message}\n${tail}`)
      }
    }
  }
  let stopped = false
  // A crashed or interrupted test run must not leave a server behind.
  const stopSync = (): void => {
    if (stopped) return
    stopped = true
    const args = ['-D', data, 'stop', '-m', 'immediate']
    if (process.getuid?.() === 0) spawnSync('su', ['postgres', '-c', [join(bin, 'pg_ctl'), ...args].map(quote).join(' ')])
    else spawnSync(join(bin, 'pg_ctl'), args)
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', stopSync)

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
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
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    async stop () {
      if (stopped) return
      process.removeListener('exit', stopSync)
      try {
        await asServerUser(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'fast', '-w'])
      } finally {
        stopped = true
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
