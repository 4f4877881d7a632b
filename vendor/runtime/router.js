// zigttp:router: routerMatch(routes, request) finds the first route for the
// request's method and path.
//
// `routes` is an object keyed "METHOD /pattern" ({"GET /users/:id": fn}) or an
// array of {method, path (or pattern), handler} items. A ":name" segment
// captures one segment into params; a "*" segment (or "*name") ends the
// pattern and captures the rest of the path, so "GET /static/*" matches every
// path below /static/. The method is compared without regard to case, and
// "*" stands for every method. The answer is {route, handler, params}: for an
// object table, route and handler are both the matched value; for an array,
// route is the item and handler its `handler` (or the item itself).
(function () {
  "use strict";

  function decode(segment) {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }

  function requestPath(request) {
    let path = typeof request.path === "string" ? request.path : request.url;
    if (typeof path !== "string") return undefined;
    const query = path.search(/[?#]/);
    if (query >= 0) path = path.slice(0, query);
    const scheme = path.indexOf("://");
    if (scheme >= 0) {
      const slash = path.indexOf("/", scheme + 3);
      path = slash >= 0 ? path.slice(slash) : "/";
    }
    return path;
  }

  function matchPath(pattern, path) {
    const wanted = pattern.split("/");
    const given = path.split("/");
    const params = {};
    for (let i = 0; i < wanted.length; i++) {
      const segment = wanted[i];
      if (segment.startsWith("*")) {
        if (i >= given.length) return null;
        params[segment.slice(1) || "*"] = given.slice(i).map(decode).join("/");
        return params;
      }
      if (i >= given.length) return null;
      if (segment.startsWith(":") && segment.length > 1) {
        params[segment.slice(1)] = decode(given[i]);
      } else if (segment !== given[i]) {
        return null;
      }
    }
    return wanted.length === given.length ? params : null;
  }

  function sameMethod(wanted, given) {
    if (typeof wanted !== "string") return false;
    return wanted === "*" || wanted.toUpperCase() === given;
  }

  function routerMatch(routes, request) {
    if (routes === null || typeof routes !== "object") return undefined;
    if (request === null || typeof request !== "object") return undefined;
    if (typeof request.method !== "string") return undefined;
    const method = request.method.toUpperCase();
    const path = requestPath(request);
    if (path === undefined) return undefined;

    if (Array.isArray(routes)) {
      for (const item of routes) {
        if (item === null || typeof item !== "object") continue;
        const pattern = typeof item.path === "string" ? item.path : item.pattern;
        if (typeof pattern !== "string" || !sameMethod(item.method, method)) continue;
        const params = matchPath(pattern, path);
        if (params === null) continue;
        const handler = item.handler === undefined ? item : item.handler;
        return { route: item, handler, params };
      }
      return undefined;
    }

    for (const key of Object.keys(routes)) {
      const space = key.indexOf(" ");
      if (space <= 0 || !sameMethod(key.slice(0, space), method)) continue;
      const params = matchPath(key.slice(space + 1), path);
      if (params === null) continue;
      const value = routes[key];
      return { route: value, handler: value, params };
    }
    return undefined;
  }

  return { routerMatch };
})
