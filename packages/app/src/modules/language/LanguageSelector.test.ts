import { LanguageSelector } from './LanguageSelector';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('LanguageSelector', () => {
  it('offers English and Chinese, remembers the choice and tells subscribers', () => {
    const storage = memoryStorage();
    const selector = new LanguageSelector(['en', 'zh'], storage);
    expect(selector.getAvailableLanguages().languages).toEqual(['en', 'zh']);
    expect(selector.getLanguage().language).toBe('en');

    const seen: string[] = [];
    const sub = selector.language$().subscribe(v => seen.push(v.language));
    selector.setLanguage('zh');
    sub.unsubscribe();
    selector.setLanguage('en');

    expect(seen).toEqual(['zh']);
    expect(storage.getItem('language')).toBe('en');
    expect(
      new LanguageSelector(['en', 'zh'], storage).getLanguage().language,
    ).toBe('en');
    storage.setItem('language', 'zh');
    expect(
      new LanguageSelector(['en', 'zh'], storage).getLanguage().language,
    ).toBe('zh');
  });

  it('refuses a language the app does not ship', () => {
    expect(() =>
      new LanguageSelector(['en', 'zh'], memoryStorage()).setLanguage('fr'),
    ).toThrow(/Unknown language "fr"/);
  });
});
