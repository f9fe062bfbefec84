// The BlobStore contract against SQLite (own file and shared with the mailbox store) and PostgreSQL.
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PostgresBlobStore } from '../../../rendezvous/blobs/postgres-blob-store.ts'
import { SqliteBlobStore } from '../../../rendezvous/blobs/sqlite-blob-store.ts'
import { SqliteStore } from '../../../rendezvous/storage/sqlite-store.ts'
import { blobStoreCompliance } from '../../compliance/blob-store.ts'
import { startPostgres } from '../../helpers/postgres.ts'
import { tempDir } from '../../helpers/wait.ts'
import type { PostgresServer } from '../../helpers/postgres.ts'

blobStoreCompliance('SqliteBlobStore', async () => {
  const tmp = tempDir('babacloud-blobs-')
  return { open: async () => new SqliteBlobStore(join(tmp.dir, 'blobs.sqlite')), destroy: async () => { tmp.remove() } }
})

blobStoreCompliance('SqliteBlobStore in the mailbox database', async () => {
  const tmp = tempDir('babacloud-blobs-')
  let mailbox: SqliteStore | undefined
  return {
    open: async () => {
      mailbox = new SqliteStore(join(tmp.dir, 'rendezvous.sqlite'))
      return new SqliteBlobStore(mailbox.db)
    },
    destroy: async () => {
      await mailbox?.close()
      tmp.remove()
    }
  }
})

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

blobStoreCompliance('PostgresBlobStore', async () => {
  const url = await server.createDatabase()
  return { open: async () => await PostgresBlobStore.open(url) }
})
