// Where Debian's libnginx-mod-http-js puts the njs module. On Debian the package also enables it
// (modules-enabled/50-mod-http-js.conf); a router has njs when this file exists.
export const NJS_MODULE_PATH = '/usr/lib/nginx/modules/ngx_http_js_module.so';
