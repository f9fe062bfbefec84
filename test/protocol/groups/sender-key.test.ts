// Sender keys: chain advance, out-of-order and duplicate messages, signatures, open-group signing.
import { randomBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { GroupErrorCode } from '../../../protocol/groups/errors.ts'
import { decryptMessage, distributionFor, encryptMessage, generateSenderKey, recordFromDistribution, signOpenMessage, verifyOpenMessage } from '../../../protocol/groups/sender-key.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import type { GroupMessage, SenderKeyRecord } from '../../../protocol/groups/generated/groups.ts'

const GROUP = 'ab'.repeat(16)

function errorCode (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return (err as { code?: unknown }).code
  }
  return undefined
}

async function setup (): Promise<{ own: SenderKeyRecord, peer: SenderKeyRecord, send(text: string): GroupMessage }> {
  const alice = (await DeviceIdentity.generate()).peerId.toString()
  let own = generateSenderKey(GROUP, alice, 1, ['bob'])
  const peer = recordFromDistribution(alice, distributionFor(own, 'bob'))
  const send = (text: string): GroupMessage => {
    const sealed = encryptMessage(own, { id: randomBytes(16), groupId: GROUP, sender: alice, sentAt: Date.now() }, text)
    own = sealed.record
    return sealed.message
  }
  return { own, peer, send }
}

describe('sender keys', () => {
  it('decrypt in order, out of order, and never twice', async () => {
    const { peer, send } = await setup()
    const [m0, m1, m2] = [send('zero'), send('one'), send('two')]
    let record = peer
    const open = (m: GroupMessage): string => {
      const r = decryptMessage(record, m)
      record = r.record
      return r.text
    }
    expect(open(m2)).toBe('two')
    expect(record.skipped.map(s => s.iteration)).toEqual([0, 1])
    expect(open(m0)).toBe('zero')
    expect(open(m1)).toBe('one')
    expect(record.skipped).toEqual([])
    expect(errorCode(() => open(m1))).toBe(GroupErrorCode.DECRYPT_FAILED)
  })

  it('refuse tampered text, a forged signer and a member added after the message', async () => {
    const { own, peer, send } = await setup()
    const m = send('hello')
    expect(errorCode(() => decryptMessage(peer, { ...m, payload: m.payload.map((b, i) => i === 0 ? b ^ 1 : b) }))).toBe(GroupErrorCode.BAD_SIGNATURE)
    const forger = generateSenderKey(GROUP, own.owner, 1, [])
    expect(errorCode(() => decryptMessage({ ...peer, signingPublic: forger.signingPublic }, m))).toBe(GroupErrorCode.BAD_SIGNATURE)
    // A member outside the key's audience gets the chain from now: earlier messages stay closed.
    const advanced = { ...own, iteration: 1, chainKey: decryptMessage(peer, m).record.chainKey }
    const late = recordFromDistribution(own.owner, distributionFor(advanced, 'carol'))
    expect(late.iteration).toBe(1)
    expect(errorCode(() => decryptMessage(late, m))).toBe(GroupErrorCode.DECRYPT_FAILED)
    expect(decryptMessage(late, send('later')).text).toBe('later')
  })

  it('sign open messages with the identity key', async () => {
    const identity = await DeviceIdentity.generate()
    const m = signOpenMessage(identity, { id: randomBytes(16), groupId: GROUP, sender: identity.peerId.toString(), sentAt: 1 }, 'in the clear')
    expect(verifyOpenMessage(m)).toBe('in the clear')
    const other = (await DeviceIdentity.generate()).peerId.toString()
    expect(errorCode(() => verifyOpenMessage({ ...m, sender: other }))).toBe(GroupErrorCode.BAD_SIGNATURE)
  })
})
