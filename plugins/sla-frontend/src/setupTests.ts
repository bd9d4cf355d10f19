import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default; on a loaded 2-core machine a whole page of
// MUI in jsdom can take longer to settle (SlaPage.test.tsx failed so once). Passing tests
// do not wait longer for it: they resolve as soon as the text is there.
configure({ asyncUtilTimeout: 10_000 });

// recharts' ResponsiveContainer needs ResizeObserver, which jsdom lacks; charts render empty
// in tests (jsdom has no layout), and the tests assert on the data around them instead.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??=
  NoopResizeObserver;
