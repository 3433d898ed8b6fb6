// The njs routing logic (mode njs). Written for njs 0.7.9 (Debian bookworm): ES5 functions and
// `var`, `require('fs')`, `export default`. njs 0.7 gives every request a fresh copy of the VM,
// so nothing survives between requests: the state document is read on every request (a small
// file from the page cache, microseconds). The stages replace it by writing a temp file and
// renaming it, so a reader sees the old or the new bytes; if it still cannot be parsed (someone
// wrote it in place), the script reads once more and then routes by the fallback document the
// base config carries (traffic.initial), never by half a document.
//
// Contract with the base config: `js_var $bg_state_path`, `js_var $bg_fallback_state` (JSON) in,
// `js_set $bg_decision` out as `color:via:segment:set-cookie` — one evaluation per request, which
// nginx caches, so the color, the log fields and the cookie all come from the same draw.

export const ROUTING_SCRIPT_EXPORT = 'decide';

const SCRIPT = String.raw`// Managed by bluegreen: routes each request to blue or green from the state document.
// njs 0.7.9 syntax. Decision: preview header/cookie, then the first plan segment, then weights.
var fs = require('fs');

var STICKY_MAX_AGE = 2592000;

function isColor(value) {
    return value === 'blue' || value === 'green';
}

function usable(doc) {
    return doc !== null && typeof doc === 'object' && doc.plan && doc.plan.weights
        && typeof doc.plan.weights.blue === 'number' && Array.isArray(doc.plan.segments);
}

function readState(path) {
    for (var attempt = 0; attempt < 2; attempt++) {
        try {
            var doc = JSON.parse(fs.readFileSync(path, 'utf8'));
            if (usable(doc)) {
                return doc;
            }
        } catch (e) {
            // a missing or half-written file: try once more, then use the fallback
        }
    }
    return null;
}

function fallbackState(r) {
    try {
        var doc = JSON.parse(r.variables.bg_fallback_state);
        if (usable(doc)) {
            return doc;
        }
    } catch (e) {
        // nothing usable configured
    }
    return { plan: { weights: { blue: 100, green: 0 }, segments: [] }, segments: {}, preview: {}, stickyCookie: '' };
}

function cookieValue(r, name) {
    var header = r.headersIn.Cookie;
    if (!name || !header) {
        return undefined;
    }
    var parts = String(header).split(';');
    for (var i = 0; i < parts.length; i++) {
        var part = parts[i].trim();
        var eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq) === name) {
            return part.substring(eq + 1);
        }
    }
    return undefined;
}

function headerValue(r, name) {
    if (!name) {
        return undefined;
    }
    var value = r.headersIn[name];
    return value === undefined || value === null ? undefined : String(value);
}

function matches(r, match) {
    if (!match || typeof match !== 'object') {
        return false;
    }
    if (match.kind === 'userAgent') {
        var agent = headerValue(r, 'User-Agent');
        if (agent === undefined) {
            return false;
        }
        try {
            return new RegExp(match.regex, match.caseInsensitive ? 'i' : '').test(agent);
        } catch (e) {
            return false;
        }
    }
    var value = match.kind === 'cookie' ? cookieValue(r, match.name)
        : match.kind === 'header' ? headerValue(r, match.name) : undefined;
    if (value === undefined) {
        return false;
    }
    return match.value === undefined || match.value === null || value === match.value;
}

function route(r, state) {
    var preview = state.preview || {};
    var forced = headerValue(r, preview.header);
    if (!isColor(forced)) {
        forced = cookieValue(r, preview.cookie);
    }
    var bucket = -1;
    var setCookie = '';
    var sticky = cookieValue(r, state.stickyCookie);
    if (sticky !== undefined && /^[0-9]{1,2}$/.test(sticky)) {
        bucket = parseInt(sticky, 10);
    } else {
        bucket = Math.floor(Math.random() * 100);
        if (state.stickyCookie) {
            setCookie = state.stickyCookie + '=' + bucket + '; Path=/; Max-Age=' + STICKY_MAX_AGE + '; SameSite=Lax; HttpOnly';
        }
    }
    if (isColor(forced)) {
        return forced + ':preview::' + setCookie;
    }
    var planned = state.plan.segments;
    for (var i = 0; i < planned.length; i++) {
        var entry = planned[i];
        if (entry && isColor(entry.color) && matches(r, (state.segments || {})[entry.name])) {
            return entry.color + ':segment:' + String(entry.name).replace(/[^A-Za-z0-9_.-]/g, '_') + ':' + setCookie;
        }
    }
    // Not released yet: nobody is sent anywhere (the base config answers 503).
    if (state.plan.weights.blue + state.plan.weights.green === 0) {
        return ':unreleased::';
    }
    // Blue holds buckets [0, blue); raising green's share only moves blue clients to green.
    var color = bucket < state.plan.weights.blue ? 'blue' : 'green';
    return color + ':split::' + setCookie;
}

function decide(r) {
    var state = readState(r.variables.bg_state_path);
    if (state === null) {
        state = fallbackState(r);
    }
    try {
        return route(r, state);
    } catch (e) {
        r.error('bluegreen routing failed, using the fallback plan: ' + e);
        return route(r, fallbackState(r));
    }
}

export default { decide: decide };
`;

/** The njs source the base config imports (mode njs); the same bytes for every router. */
export function renderRoutingScript(): string {
  return SCRIPT;
}
