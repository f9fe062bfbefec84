// Entry of the web app served by a rendezvous node.
import './services/rtc-close-watch.ts'
import './components/chat-app.ts'
