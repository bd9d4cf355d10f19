export { default, slaApi, slaEntityCard } from './plugin';
