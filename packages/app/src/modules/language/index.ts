import {
  ApiBlueprint,
  appLanguageApiRef,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { LanguageSelector } from './LanguageSelector';

/** Languages the demo offers in Settings → Appearance → Language. */
export const APP_LANGUAGES = ['en', 'zh'];

/** Replaces the app plugin's language API (`api:app/app-language`) to offer Chinese. */
const appLanguageApi = ApiBlueprint.make({
  name: 'app-language',
  params: defineParams =>
    defineParams({
      api: appLanguageApiRef,
      deps: {},
      factory: () => new LanguageSelector(APP_LANGUAGES),
    }),
});

export const languageModule = createFrontendModule({
  pluginId: 'app',
  extensions: [appLanguageApi],
});
