// Entry of the web app: shows which rendezvous node serves this page.
const status = document.getElementById('status')
fetch('/api/rendezvous')
  .then(async res => await res.json() as { peerId: string })
  .then(info => { if (status != null) status.textContent = `Rendezvous node ${info.peerId} is online.` })
  .catch(() => { if (status != null) status.textContent = 'The rendezvous node does not answer.' })
