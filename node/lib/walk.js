/**
 * Walks over a hierarchy for the command-line tool (node/cli.js) and the dump writer
 * (lib/dump-format.js): the scope tree in pre-order and the vars that belong to no scope.
 * walkScopes and topLevelVars use only the public API, as their Python twins do (walk_scopes
 * and top_level_vars in python/fstwave/dumpformat.py); forEachScopeId walks ids.
 *
 * @module fstwave/lib/walk
 */
'use strict';

/**
 * Depth-first pre-order over the scopes, children in declaration order; iterative, so deep
 * hierarchies are fine.
 * @param {import('../index').Hierarchy} h
 * @param {number | null} [maxDepth] the number of levels to visit (1 = the top scopes only);
 *   `null`: all
 * @returns {Generator<[number, import('../index').Scope]>} `[depth, scope]`, depth 0 for a
 *   top scope
 */
function* walkScopes(h, maxDepth = null) {
  const stack = [h.topScopes()[Symbol.iterator]()];
  while (stack.length) {
    const r = stack[stack.length - 1].next();
    if (r.done) {
      stack.pop();
      continue;
    }
    const scope = r.value;
    const depth = stack.length - 1;
    yield [depth, scope];
    if (maxDepth === null || depth + 1 < maxDepth) {
      stack.push(scope.scopes(h)[Symbol.iterator]());
    }
  }
}

/**
 * The same pre-order over scope ids, for walks that keep no Scope object (the dump writer,
 * which reads each scope through the addon by id): calls `visit(depth, id)` for each scope,
 * depth 0 for a top scope; iterative.
 * @param {ArrayLike<number>} topIds the top scopes' ids in order
 * @param {(id: number) => ArrayLike<number>} childIds the child scope ids of scope `id`
 * @param {(depth: number, id: number) => void} visit
 */
function forEachScopeId(topIds, childIds, visit) {
  const lists = [topIds];
  const pos = [0];
  while (lists.length) {
    const k = lists.length - 1;
    if (pos[k] >= lists[k].length) {
      lists.pop();
      pos.pop();
      continue;
    }
    const id = lists[k][pos[k]++];
    visit(k, id);
    lists.push(childIds(id));
    pos.push(0);
  }
}

/**
 * The number of items an iterable yields.
 * @param {Iterable<unknown>} it
 * @returns {number}
 */
function count(it) {
  let n = 0;
  for (const _ of it) n++; // eslint-disable-line no-unused-vars
  return n;
}

/**
 * Vars that belong to no scope, in allVars({ includeAliases: true }) order (a var is
 * top-level iff its full name equals its name); the second pass happens only when the
 * hierarchy has more vars than the scopes hold.
 * @param {import('../index').Hierarchy} h
 * @param {number} nScoped the number of vars the scopes hold (aliases included)
 * @returns {import('../index').Var[]}
 */
function topLevelVars(h, nScoped) {
  if (count(h.allVars({ includeAliases: true })) === nScoped) return [];
  const out = [];
  for (const v of h.allVars({ includeAliases: true })) {
    if (v.fullName(h) === v.name(h)) out.push(v);
  }
  return out;
}

module.exports = { walkScopes, forEachScopeId, count, topLevelVars };
