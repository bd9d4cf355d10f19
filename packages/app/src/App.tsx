import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import slaPlugin from '@servicelevel/plugin-sla-frontend/alpha';
import { languageModule } from './modules/language';
import { navModule } from './modules/nav';

export default createApp({
  features: [
    catalogPlugin,
    orgPlugin,
    // Live SLA cards: the card and tab reload when the backend signals new incidents.
    signalsPlugin,
    userSettingsPlugin,
    slaPlugin,
    navModule,
    languageModule,
  ],
});
