import type { AppLanguageApi } from '@backstage/frontend-plugin-api';

type LanguageObservable = ReturnType<AppLanguageApi['language$']>;
type Listener = (value: { language: string }) => void;

const STORAGE_KEY = 'language';

/**
 * The app's language choice, remembered in local storage. The default implementation
 * offers English only unless app-config lists more languages; this demo ships the SLA
 * plugin's Simplified Chinese, so the selector in Settings offers both.
 */
export class LanguageSelector implements AppLanguageApi {
  private language: string;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly languages: string[],
    private readonly storage:
      | Pick<Storage, 'getItem' | 'setItem'>
      | undefined = typeof window === 'undefined'
      ? undefined
      : window.localStorage,
  ) {
    const stored = this.storage?.getItem(STORAGE_KEY) ?? undefined;
    this.language =
      stored && languages.includes(stored) ? stored : languages[0];
  }

  getAvailableLanguages() {
    return { languages: [...this.languages] };
  }

  getLanguage() {
    return { language: this.language };
  }

  setLanguage(language?: string) {
    const next = language ?? this.languages[0];
    if (!this.languages.includes(next)) {
      throw new Error(
        `Unknown language "${next}"; available: ${this.languages.join(', ')}`,
      );
    }
    if (next === this.language) return;
    this.language = next;
    this.storage?.setItem(STORAGE_KEY, next);
    for (const l of [...this.listeners]) l({ language: next });
  }

  language$(): LanguageObservable {
    const listeners = this.listeners;
    const observable = {
      [Symbol.observable]() {
        return observable;
      },
      subscribe(
        observerOrNext?:
          | Listener
          | { next?: Listener; error?(e: Error): void; complete?(): void },
      ) {
        const next =
          typeof observerOrNext === 'function'
            ? observerOrNext
            : observerOrNext?.next?.bind(observerOrNext);
        const listener: Listener = v => next?.(v);
        listeners.add(listener);
        const subscription = {
          closed: false,
          unsubscribe() {
            listeners.delete(listener);
            subscription.closed = true;
          },
        };
        return subscription;
      },
    };
    return observable as unknown as LanguageObservable;
  }
}
