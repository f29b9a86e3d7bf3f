/**
 * Series names the engine exports on /metrics in sim mode, as they appear in the exposition text
 * (histograms with their _bucket/_count/_sum suffixes). Not hand-waved: test/integration/bench/slo.test.ts
 * asserts that every name here is present in a real scrape of the running engine, and the dashboard
 * test checks the Grafana panels against this list (a scrape per unit-test run would cost ~15 s).
 */
export const EXPORTED_METRICS: readonly string[] = [
  'cambist_actor_restarts_total',
  'cambist_actor_heartbeat_age_seconds',
  'cambist_actor_up',
  'cambist_ring_dropped_total',
  'cambist_ring_depth',
  'cambist_kill_switch',
  'cambist_process_process_resident_memory_bytes',
  'cambist_process_process_cpu_seconds_total',
  'cambist_tick_to_signal_seconds_bucket',
  'cambist_tick_to_signal_seconds_count',
  'cambist_tick_to_signal_seconds_sum',
  'cambist_feed_messages_total',
  'cambist_book_resyncs_total',
  'cambist_feed_staleness_seconds',
  'cambist_dex_quote_seconds_bucket',
  'cambist_trades_total',
  'cambist_unhedged_notional',
  'cambist_recorder_written_total',
  'cambist_recorder_batch_seconds_bucket',
  'cambist_recorder_feed_state',
];
