import { join } from 'node:path'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { chatStoreCompliance } from '../compliance/chat-store.ts'
import { tempDir } from '../helpers/wait.ts'

chatStoreCompliance('memory', async () => ({ store: new MemoryChatStore() }), { persistent: false })

chatStoreCompliance('sqlite', async () => {
  const tmp = tempDir()
  const path = join(tmp.dir, 'chat.sqlite')
  return { store: new SqliteChatStore(path), reopen: async () => new SqliteChatStore(path), dispose: tmp.remove }
}, { persistent: true })
