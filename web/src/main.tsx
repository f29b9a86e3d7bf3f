import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { liveAges } from './state.ts';
import './theme.css';

// Live-data age samples for the browser tests (and anyone curious in devtools): read-only numbers.
(window as unknown as { __cambist: { liveAges: number[] } }).__cambist = { liveAges };

render(() => <App />, document.getElementById('root')!);
