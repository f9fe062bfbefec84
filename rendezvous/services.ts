// The node's parts as one ordered list: started in order, stopped in reverse, so what a part uses
// is up before it and still up until it is gone. A part that fails to start stops everything
// started before it, so a failed start leaves no listener, port or open database behind.

export interface Service {
  /** For errors and logs ("storage", "http"). */
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void>
}

export interface ServiceListOptions {
  /** Told about a part that failed to stop; the others still stop. */
  onStopError?: (service: string, err: unknown) => void
}

export class ServiceList {
  readonly #services: readonly Service[]
  readonly #onStopError: (service: string, err: unknown) => void
  /** The parts started so far, in start order. */
  #started: Service[] = []

  constructor (services: readonly Service[], options: ServiceListOptions = {}) {
    this.#services = services
    this.#onStopError = options.onStopError ?? (() => {})
  }

  /** Names of the running parts, in start order. */
  get running (): string[] {
    return this.#started.map(s => s.name)
  }

  /**
   * Starts each part in order. When one fails, the parts already started are stopped in reverse and
   * the failure is thrown (its message keeps the original error's text, which callers may show as is).
   */
  async start (): Promise<void> {
    if (this.#started.length > 0) throw new Error('services are already started')
    for (const service of this.#services) {
      try {
        await service.start()
      } catch (err) {
        // The failing part may have done half its work (one of two listeners): let it undo that too.
        await this.#stopOne(service)
        await this.stop()
        throw err
      }
      this.#started.push(service)
    }
  }

  /** Stops the started parts in reverse order; one that fails to stop does not keep the rest up. */
  async stop (): Promise<void> {
    const started = this.#started
    this.#started = []
    for (const service of started.reverse()) await this.#stopOne(service)
  }

  async #stopOne (service: Service): Promise<void> {
    try {
      await service.stop()
    } catch (err) {
      this.#onStopError(service.name, err)
    }
  }
}
