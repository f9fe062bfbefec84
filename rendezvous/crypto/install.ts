// Side-effect import for Node entry points: protocol/ crypto runs on node:crypto from here on.
import { installCryptoProvider } from '../../protocol/crypto/provider.ts'
import { nodeProvider } from './node-provider.ts'

installCryptoProvider({ sync: nodeProvider })
