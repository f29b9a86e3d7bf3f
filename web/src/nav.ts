import { createSignal } from 'solid-js';

/** Screens, in nav order. The route is the URL hash (`#/trades`), so reload and back work. */
export const SCREENS = [
  ['overview', 'Overview'],
  ['opportunities', 'Opportunities'],
  ['execution', 'Execution Monitor'],
  ['trades', 'Trades'],
  ['inventory', 'Inventory'],
  ['risk', 'Risk'],
  ['settings', 'Settings'],
  ['metrics', 'Metrics'],
] as const;
export type Screen = (typeof SCREENS)[number][0];

const parse = (): Screen => {
  const name = /^#\/(\w+)/.exec(location.hash)?.[1];
  return SCREENS.some(([s]) => s === name) ? (name as Screen) : 'overview';
};

const [screen, setScreen] = createSignal<Screen>(parse());
window.addEventListener('hashchange', () => setScreen(parse()));
export { screen };
