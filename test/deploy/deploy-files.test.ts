// deploy/: the container image file, the compose file and the systemd unit, checked as far as this
// machine allows (no container engine here): parsed, cross-checked against each other, the package
// layout and the CLI, and the unit through systemd's own verifier when it is installed.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfigFile } from '../../rendezvous/config.ts'
import { parseStoreSpec } from '../../rendezvous/stores.ts'
import { tempDir } from '../helpers/wait.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const DEPLOY = join(REPO, 'deploy')
const PACKAGE = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] }

/** Whether a path of the unpacked package is shipped by package.json `files`. */
function shipped (path: string): boolean {
  return PACKAGE.files.some(entry => entry.endsWith('/') ? path.startsWith(entry) : path === entry)
}

/** The value following `flag` in an argument list. */
function flag (args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i < 0 ? undefined : args[i + 1]
}

/**
 * What a deploy file's command line makes the node use: its --config (a file of the installed package
 * at `packageDir`, read from this checkout, through the node's own config loader) under its flags.
 */
function settings (args: string[], packageDir: string): { http: string, metrics: string, listen: string[], privateNetwork: boolean } {
  const file = flag(args, '--config')
  expect(file?.startsWith(`${packageDir}/`), `--config ${file} inside ${packageDir}`).toBe(true)
  expect(shipped(relative(packageDir, file ?? ''))).toBe(true)
  const config = loadConfigFile(join(REPO, relative(packageDir, file ?? '')))
  return { http: flag(args, '--http') ?? String(config.http), metrics: flag(args, '--metrics') ?? String(config.metrics), listen: config.listen, privateNetwork: config.privateNetwork }
}

const port = (hostPort: string): string => hostPort.split(':').pop() ?? ''

interface Instruction { op: string, args: string }

function parseDockerfile (text: string): Instruction[] {
  const joined = text.split('\n').filter(l => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ')
  return joined.split('\n').filter(l => l.trim() !== '').map(line => {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line)
    if (m == null) throw new Error(`not an instruction: ${line}`)
    return { op: m[1].toUpperCase(), args: m[2].trim() }
  })
}

const KNOWN = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL'])

describe('deploy/Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'))
  const lastFrom = instructions.map(i => i.op).lastIndexOf('FROM')
  const final = instructions.slice(lastFrom)
  const json = (op: string): string[] => JSON.parse(final.find(i => i.op === op)?.args ?? 'null')

  it('uses only known instructions, a Node 20 base and npm ci without dev dependencies', () => {
    for (const i of instructions) expect(KNOWN.has(i.op), i.op).toBe(true)
    for (const from of instructions.filter(i => i.op === 'FROM')) expect(from.args).toMatch(/^node:20[.-]/)
    expect(instructions.some(i => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true)
  })

  it('runs as a user that is not root, with a data volume and a health check on /healthz', () => {
    const users = final.filter(i => i.op === 'USER').map(i => i.args)
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/)
    const cmd = json('CMD')
    const data = flag(cmd, '--data')
    expect(JSON.parse(final.find(i => i.op === 'VOLUME')?.args ?? '[]')).toEqual([data])
    const node = settings(cmd, '/app')
    expect(node.privateNetwork).toBe(false)
    const health = final.find(i => i.op === 'HEALTHCHECK')?.args ?? ''
    expect(health).toContain(`http://127.0.0.1:${port(node.http)}/healthz`)
    const exposed = final.filter(i => i.op === 'EXPOSE').flatMap(i => i.args.split(/\s+/))
    expect(exposed).toContain(port(node.http))
    expect(exposed).toContain(port(node.metrics))
    for (const addr of node.listen) expect(exposed).toContain(/\/tcp\/(\d+)/.exec(addr)?.[1])
  })

  it('copies what exists: the build context, and the packed package layout into the final stage', () => {
    const ignored = readFileSync(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8').split('\n').map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'))
    for (const copy of instructions.filter(i => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) {
        expect(existsSync(join(REPO, source)), source).toBe(true)
        expect(ignored, source).not.toContain(source)
      }
    }
    // The final stage is the unpacked tarball: everything it runs must be shipped by `files`.
    expect(final.some(i => i.op === 'COPY' && i.args === '--from=build /app /app')).toBe(true)
    const entry = json('ENTRYPOINT')
    expect(entry).toEqual(['node', '/app/bin/babacloud.js'])
    for (const path of ['bin/babacloud.js', 'dist/babacloud.mjs', 'dist/web/index.html', 'npm-shrinkwrap.json']) expect(shipped(path), path).toBe(true)
    expect(readFileSync(join(REPO, 'bin', 'babacloud.js'), 'utf8')).toContain("'../dist/babacloud.mjs'")
  })
})

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image?: string, build?: { context: string, dockerfile: string }, command?: string[], environment?: Record<string, string>, volumes?: string[], ports?: string[], healthcheck?: { test: string[] }, depends_on?: Record<string, { condition: string }> }>
    volumes: Record<string, unknown>
  }
  const { babacloud, postgres } = compose.services

  it('has the node and PostgreSQL, each with a health check, the node waiting for a healthy database', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['babacloud', 'postgres'])
    expect(postgres.healthcheck?.test.join(' ')).toMatch(/pg_isready/)
    expect(babacloud.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    const node = settings(babacloud.command ?? [], '/app')
    expect(babacloud.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port(node.http)}/healthz`)
    for (const addr of node.listen) {
      const p = /\/tcp\/(\d+)/.exec(addr)?.[1]
      expect(babacloud.ports).toContain(`${p}:${p}`)
    }
    expect(babacloud.ports).toContain(`${port(node.http)}:${port(node.http)}`)
    // /metrics published to this host only.
    expect(babacloud.ports).toContain(`127.0.0.1:${port(node.metrics)}:${port(node.metrics)}`)
  })

  it('builds from deploy/Dockerfile and stores its data on declared volumes', () => {
    const build = babacloud.build
    expect(existsSync(resolve(DEPLOY, build?.context ?? '', build?.dockerfile ?? ''))).toBe(true)
    const mounts = [...(babacloud.volumes ?? []), ...(postgres.volumes ?? [])].map(v => v.split(':'))
    for (const [name] of mounts) expect(Object.keys(compose.volumes)).toContain(name)
    expect(mounts).toContainEqual(['data', flag(babacloud.command ?? [], '--data')])
    expect(mounts).toContainEqual(['pgdata', '/var/lib/postgresql/data'])
  })

  it('points the node at the compose database with a store spec the node accepts', () => {
    const command = babacloud.command ?? []
    expect(command[0]).toBe('rendezvous')
    const spec = parseStoreSpec(flag(command, '--store'), '/data')
    expect(spec.kind).toBe('postgres')
    const url = new URL((spec as { connectionString: string }).connectionString)
    expect(url.hostname).toBe('postgres')
    expect(url.username).toBe(postgres.environment?.POSTGRES_USER)
    expect(url.pathname).toBe(`/${postgres.environment?.POSTGRES_DB}`)
    // The password reaches node-postgres through PGPASSWORD, never the command line.
    expect(url.password).toBe('')
    expect(babacloud.environment?.PGPASSWORD).toBe(postgres.environment?.POSTGRES_PASSWORD)
  })
})

describe('deploy/babacloud.service', () => {
  const unitFile = join(DEPLOY, 'babacloud.service')
  const unit = readFileSync(unitFile, 'utf8')
  const keys = new Map<string, string[]>()
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (m != null) keys.set(m[1], [...keys.get(m[1]) ?? [], m[2]])
  }
  const value = (key: string): string | undefined => keys.get(key)?.at(-1)

  it('runs as its own user in a sandbox with a private state directory', () => {
    expect(value('DynamicUser') === 'yes' || value('User') != null).toBe(true)
    expect(value('ProtectSystem')).toBe('strict')
    for (const key of ['ProtectHome', 'NoNewPrivileges', 'PrivateTmp', 'PrivateDevices', 'RestrictNamespaces', 'RestrictSUIDSGID', 'LockPersonality']) expect(value(key), key).toBe('yes')
    expect(value('RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX'])
    expect(value('CapabilityBoundingSet')).toBe('')
    const exec = value('ExecStart')?.split(/\s+/) ?? []
    expect(flag(exec, '--data')).toBe(`/var/lib/${value('StateDirectory')}`)
    const node = settings(exec, '/opt/babacloud')
    expect(node.privateNetwork).toBe(false)
    expect(node.metrics).toMatch(/^127\.0\.0\.1:/)
    expect(value('StateDirectoryMode')).toBe('0700')
  })

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0
  const NO_ANALYZE = 'systemd-analyze is not installed (apt-get install systemd)'
  it('passes systemd-analyze verify without a warning, and its security review', (ctx) => {
    if (!analyze) ctx.skip(NO_ANALYZE)
    // As installed here: this machine's node, and this checkout in place of /opt/babacloud.
    const tmp = tempDir('babacloud-unit-')
    try {
      const copy = join(tmp.dir, 'babacloud.service')
      writeFileSync(copy, unit.replaceAll('/usr/bin/node', process.execPath).replaceAll('/opt/babacloud', REPO.replace(/\/$/, '')))
      const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' })
      expect(verify.status).toBe(0)
      expect(verify.stderr + verify.stdout).toBe('')
      // Exposure 0 (locked down) … 10 (unprotected); the unit scores about 1.6.
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', copy], { encoding: 'utf8' })
      expect(security.status, security.stdout.split('\n').slice(-3).join('\n')).toBe(0)
    } finally {
      tmp.remove()
    }
  })

  it('is caught by the verifier when a key is misspelt', (ctx) => {
    if (!analyze) ctx.skip(NO_ANALYZE)
    const tmp = tempDir('babacloud-unit-')
    try {
      const copy = join(tmp.dir, 'babacloud.service')
      copyFileSync(unitFile, copy)
      writeFileSync(copy, readFileSync(copy, 'utf8').replace('ProtectSystem=strict', 'ProtectSystm=strict').replaceAll('/usr/bin/node', process.execPath))
      expect(spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' }).stderr).toContain("Unknown key 'ProtectSystm'")
    } finally {
      tmp.remove()
    }
  })
})
