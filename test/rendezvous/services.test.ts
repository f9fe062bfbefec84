// The ordered service list: started in order, stopped in reverse, and a part that fails to start
// stops everything started before it (and gets to undo its own half-done work).
import { describe, expect, it } from 'vitest'
import { ServiceList } from '../../rendezvous/services.ts'
import type { Service } from '../../rendezvous/services.ts'

function recorder (): { events: string[], service(name: string, fail?: 'start' | 'stop'): Service } {
  const events: string[] = []
  return {
    events,
    service: (name, fail) => ({
      name,
      start: async () => {
        events.push(`start ${name}`)
        if (fail === 'start') throw new Error(`${name} cannot start`)
      },
      stop: async () => {
        events.push(`stop ${name}`)
        if (fail === 'stop') throw new Error(`${name} cannot stop`)
      }
    })
  }
}

describe('ServiceList', () => {
  it('starts in order and stops in reverse', async () => {
    const r = recorder()
    const list = new ServiceList([r.service('storage'), r.service('libp2p'), r.service('http')])
    await list.start()
    expect(list.running).toEqual(['storage', 'libp2p', 'http'])
    await list.stop()
    expect(r.events).toEqual(['start storage', 'start libp2p', 'start http', 'stop http', 'stop libp2p', 'stop storage'])
    expect(list.running).toEqual([])
    await list.stop()
    expect(r.events).toHaveLength(6)
  })

  it('stops what already started, in reverse, when a part fails to start, and throws its error', async () => {
    const r = recorder()
    const list = new ServiceList([r.service('storage'), r.service('libp2p'), r.service('http', 'start'), r.service('accounts')])
    await expect(list.start()).rejects.toThrow('http cannot start')
    // The failing part is asked to stop too (it may have opened one of two listeners); later ones never start.
    expect(r.events).toEqual(['start storage', 'start libp2p', 'start http', 'stop http', 'stop libp2p', 'stop storage'])
    expect(list.running).toEqual([])
  })

  it('keeps stopping the others when one fails to stop, and reports it', async () => {
    const r = recorder()
    const failures: string[] = []
    const list = new ServiceList([r.service('storage'), r.service('mailbox', 'stop'), r.service('http')], {
      onStopError: (name, err) => { failures.push(`${name}: ${(err as Error).message}`) }
    })
    await list.start()
    await list.stop()
    expect(r.events.slice(3)).toEqual(['stop http', 'stop mailbox', 'stop storage'])
    expect(failures).toEqual(['mailbox: mailbox cannot stop'])
  })
})
