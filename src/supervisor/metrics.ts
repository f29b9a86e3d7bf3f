import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Supervisor } from './supervisor.ts';

/**
 * The process's Prometheus registry, owned by the supervisor and fed at scrape time from what the
 * supervisor already holds (heartbeat blocks, ring headers), so nothing on the hot path touches
 * prom-client. Ring and restart counters are absolute numbers elsewhere; each scrape turns the
 * change since the last scrape into a counter increment (prom counters cannot be set).
 */
export function createMetrics(sup: Supervisor): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cambist_process_' });

  const seenRestarts = new Map<string, number>();
  new Counter({
    name: 'cambist_actor_restarts_total',
    help: 'Actor restarts after a crash, an unresponsive heartbeat or an operator restart',
    labelNames: ['actor'],
    registers: [registry],
    collect() {
      for (const h of sup.handles) {
        const prev = seenRestarts.get(h.spec.name);
        this.inc({ actor: h.spec.name }, h.restarts - (prev ?? 0));
        seenRestarts.set(h.spec.name, h.restarts);
      }
    },
  });
  new Gauge({
    name: 'cambist_actor_heartbeat_age_seconds',
    help: 'Seconds since the actor last beat its heartbeat',
    labelNames: ['actor'],
    registers: [registry],
    collect() {
      for (const h of sup.handles) this.set({ actor: h.spec.name }, h.heartbeatAgeMs() / 1000);
    },
  });
  new Gauge({
    name: 'cambist_actor_up',
    help: '1 when the actor is running or degraded, else 0',
    labelNames: ['actor'],
    registers: [registry],
    collect() {
      for (const h of sup.handles) this.set({ actor: h.spec.name }, h.state === 'running' || h.state === 'degraded' ? 1 : 0);
    },
  });
  const seenDrops = new Map<string, number>();
  new Counter({
    name: 'cambist_ring_dropped_total',
    help: 'Records dropped by drop-oldest rings (market data gaps)',
    labelNames: ['ring'],
    registers: [registry],
    collect() {
      for (const r of sup.ringStatus()) {
        const prev = seenDrops.get(r.name) ?? 0;
        this.inc({ ring: r.name }, Math.max(0, r.dropped - prev));
        seenDrops.set(r.name, Math.max(prev, r.dropped));
      }
    },
  });
  new Gauge({
    name: 'cambist_ring_depth',
    help: 'Records waiting in the ring',
    labelNames: ['ring'],
    registers: [registry],
    collect() {
      for (const r of sup.ringStatus()) this.set({ ring: r.name }, Math.max(0, r.published - r.consumed - r.dropped));
    },
  });
  new Gauge({
    name: 'cambist_kill_switch',
    help: '1 when the global kill switch is on',
    registers: [registry],
    collect() {
      this.set(sup.controlStatus().global.killed ? 1 : 0);
    },
  });
  return registry;
}
