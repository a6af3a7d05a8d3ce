/** A tiny in-process event bus: scan progress, device hotplug. Transports (SSE, IPC, CLI progress bars) subscribe. */
export type StationEvent = { type: string; [key: string]: unknown };

export class StationEvents {
  private listeners = new Set<(e: StationEvent) => void>();

  subscribe(listener: (e: StationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: StationEvent): void {
    for (const l of this.listeners) l(e);
  }
}
