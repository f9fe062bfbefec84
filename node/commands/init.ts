import { Home, defaultHome } from '../home.ts'
import { print } from '../output.ts'
import type { Command } from 'commander'

export function registerInit (program: Command): void {
  program.command('init')
    .description('create a device identity (does nothing if one exists)')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--name <name>', 'a name for this device, shown only to you')
    .option('--json', 'machine-readable output')
    .action(async (opts: { home: string, name?: string, json?: boolean }) => {
      const home = new Home(opts.home)
      const { identity, created } = await home.init()
      if (opts.name != null) home.saveSettings({ name: opts.name })
      const peerId = identity.peerId.toString()
      print(opts, { peerId, home: home.dir, created },
        created ? `created identity ${peerId} in ${home.dir}` : `identity ${peerId} already exists in ${home.dir}`)
    })
}
