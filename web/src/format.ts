/** Display helpers: one place for number and time formatting so every screen reads the same. */
export const num = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const bps = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${num(x, 1)} bps`);

export const usd = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${x < 0 ? '−' : ''}$${num(Math.abs(x), 2)}`);

export const time = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().slice(11, 23) : '–');

export const dateTime = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '–');

export const ms = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

export const us = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x < 1000 ? `${Math.round(x)} µs` : ms(x / 1000));

export const age = (sec: number): string => (sec < 120 ? `${sec}s` : sec < 7200 ? `${Math.round(sec / 60)}m` : `${Math.round(sec / 3600)}h`);

/** Direction as the route money takes: buy where it is cheap → sell where it is dear. */
export const dir = (d: string): string => (d === 'buy_cex_sell_dex' ? 'CEX→DEX' : d === 'buy_dex_sell_cex' ? 'DEX→CEX' : d);
