export { slaTranslationRef } from './ref';
