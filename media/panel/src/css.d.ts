// esbuild bundles imported CSS into dist/panel.css beside the script.
declare module '*.css';
