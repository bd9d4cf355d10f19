import { objectiveLabel } from './objectiveLabel';

describe('objectiveLabel', () => {
  it('names objectives as people do, in English and Chinese', () => {
    expect(objectiveLabel('response-time:P3')).toBe('Response time · P3');
    expect(objectiveLabel('resolution-time:P1', 'en')).toBe(
      'Resolution time · P1',
    );
    expect(objectiveLabel('max-incidents:all')).toBe(
      'Incidents · all priorities',
    );
    expect(objectiveLabel('availability')).toBe('Availability');
    expect(objectiveLabel('response-time:P3', 'zh-CN')).toBe('响应时间 · P3');
    expect(objectiveLabel('max-incidents:all', 'zh-CN')).toBe(
      '故障次数 · 全部优先级',
    );
    expect(objectiveLabel('min-mtbf', 'zh-CN')).toBe('平均故障间隔');
  });

  it('returns an id it does not know unchanged', () => {
    expect(objectiveLabel('error-rate:P1', 'zh-CN')).toBe('error-rate:P1');
  });
});
