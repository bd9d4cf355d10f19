import type { DisplayLanguage } from './format';

/**
 * Objectives by the names people use: `response-time:P3` → "Response time · P3",
 * `max-incidents:all` → "Incidents · all priorities"; in zh-CN "响应时间 · P3",
 * "故障次数 · 全部优先级". One owner for the backend's reports and the frontend.
 */

const NAMES: Record<DisplayLanguage, Record<string, string>> = {
  en: {
    availability: 'Availability',
    'response-time': 'Response time',
    'resolution-time': 'Resolution time',
    'max-incidents': 'Incidents',
    'max-outage': 'Longest outage',
    'min-mtbf': 'Mean time between failures',
  },
  'zh-CN': {
    availability: '可用性',
    'response-time': '响应时间',
    'resolution-time': '解决时间',
    'max-incidents': '故障次数',
    'max-outage': '最长中断时间',
    'min-mtbf': '平均故障间隔',
  },
};

const ALL_PRIORITIES: Record<DisplayLanguage, string> = {
  en: 'all priorities',
  'zh-CN': '全部优先级',
};

/** The name of an objective id; an id it does not know is returned as it is. */
export function objectiveLabel(
  id: string,
  lang: DisplayLanguage = 'en',
): string {
  const [kind, scope] = id.split(':', 2);
  const name = NAMES[lang][kind];
  if (name === undefined) return id;
  if (scope === undefined) return name;
  return `${name} · ${scope === 'all' ? ALL_PRIORITIES[lang] : scope}`;
}
