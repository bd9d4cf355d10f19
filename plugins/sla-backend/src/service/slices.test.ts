import { Slices } from './slices';

describe('Slices', () => {
  it('goes on at once until a slice has lasted its time, then lets waiting callbacks run', async () => {
    let now = 1_000;
    const slices = new Slices(8, () => now);
    const ran: string[] = [];
    setImmediate(() => ran.push('waiting request'));

    now += 7;
    expect(slices.pause()).toBeUndefined();
    expect(ran).toEqual([]);

    now += 1;
    await slices.pause();
    expect(ran).toEqual(['waiting request']);
    expect(slices.yields).toBe(1);

    // The next slice starts when the yield ends: its full time again.
    now += 7;
    expect(slices.pause()).toBeUndefined();
    now += 1;
    expect(slices.pause()).toBeInstanceOf(Promise);
    expect(slices.yields).toBe(2);
  });

  it('yields between every item when a slice may last no time', async () => {
    const slices = new Slices(0, () => 0);
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns < 3) setImmediate(tick);
    };
    setImmediate(tick);
    for (let i = 0; i < 3; i++) await slices.pause();
    expect(turns).toBe(3);
    expect(slices.yields).toBe(3);
  });
});
