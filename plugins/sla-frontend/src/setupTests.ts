import '@testing-library/jest-dom';

// recharts' ResponsiveContainer needs ResizeObserver, which jsdom lacks; charts render empty
// in tests (jsdom has no layout), and the tests assert on the data around them instead.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??=
  NoopResizeObserver;
