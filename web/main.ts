// Entry of the web app served by a rendezvous node.
import './crypto-setup.ts'
import './services/rtc-close-watch.ts'
import './components/chat-app.ts'
import { registerServiceWorker } from './pwa/register.ts'

registerServiceWorker()
