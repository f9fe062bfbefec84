// Installs the WebCrypto backend (native Ed25519/X25519 where the browser has them) before the app
// starts: a top-level await, so no key is used on the @noble fallback by accident. The backend's
// name is left on <html data-crypto-backend> for the end-to-end tests and for anyone debugging.
import { installCryptoProvider } from '../protocol/crypto/provider.ts'
import { createWebCryptoProvider } from '../protocol/crypto/webcrypto-provider.ts'

const provider = await createWebCryptoProvider()
installCryptoProvider({ async: provider })
document.documentElement.dataset.cryptoBackend = provider.name
