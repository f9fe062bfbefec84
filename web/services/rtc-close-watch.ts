// Makes a WebRTC connection end as soon as the other browser closes it. @libp2p/webrtc closes a
// connection only when `connectionState` turns "failed" or "closed", and a remote close() shows up
// locally as neither: Chromium keeps the connection until ICE consent expires (about 14 s measured),
// and sends in the meantime wait out the live timeout. The remote's close does end the SCTP
// association at once, so that is reported as "closed" here. Import before anything from libp2p:
// @libp2p/webrtc reads `globalThis.RTCPeerConnection` when its module is evaluated.
const Native = globalThis.RTCPeerConnection

if (Native != null && !('babacloudWatched' in Native)) {
  class WatchedRTCPeerConnection extends Native {
    static readonly babacloudWatched = true
    #remoteClosed = false

    constructor (configuration?: RTCConfiguration) {
      super(configuration)
      let watching = false
      const watchSctp = (): void => {
        const sctp = this.sctp
        if (watching || sctp == null) return
        watching = true
        sctp.addEventListener('statechange', () => {
          if (sctp.state === 'closed' && super.connectionState !== 'closed') this.#closedByRemote()
        })
      }
      this.addEventListener('connectionstatechange', watchSctp)
      this.addEventListener('signalingstatechange', watchSctp)
    }

    override get connectionState (): RTCPeerConnectionState {
      return this.#remoteClosed ? 'closed' : super.connectionState
    }

    #closedByRemote (): void {
      if (this.#remoteClosed) return
      this.#remoteClosed = true
      // Also runs the `onconnectionstatechange` handler, which is what @libp2p/webrtc sets.
      this.dispatchEvent(new Event('connectionstatechange'))
    }
  }
  globalThis.RTCPeerConnection = WatchedRTCPeerConnection
}

export {}
