export { startPreviewProxy, withoutCookie, type PreviewProxy, type PreviewProxyOptions } from './previewProxy';
