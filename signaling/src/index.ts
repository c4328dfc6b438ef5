export { createApp, type AppDeps, type MayflyApp } from './app.js';
export { ConfigError, parseConfig, type Config } from './config.js';
export { createSignaling, type Signaling } from './signaling.js';
