// `bluegreen init`: what the editor's "Create bluegreen.yaml" and the CLI call.
export { initConfig, writeInitConfig, type InitAnswers, type InitApp, type InitResult } from './initConfig';
export { detectApps, LOOKS_FOR, type DetectedApp } from './detect';
