#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
/**
 * Stops `npm ci`, `npm install`, `npm run build` and `npm start` at once, with one line saying
 * what is needed, when the running Node.js is older than the `engines` floor of package.json.
 * Without it an old Node gets through the install and fails deep in the web build
 * (`Promise.withResolvers is not a function` on Node 20).
 *
 * It runs before any dependency is there and under whatever Node the person has, so it is
 * CommonJS in the oldest syntax and needs nothing but `fs` and `path`.
 */
'use strict';

var fs = require('fs');
var path = require('path');

var manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
var range = (manifest.engines && manifest.engines.node) || '';
var floor = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range);
if (floor === null) {
  console.error(
    'mayfly: package.json needs an engines entry like "node": ">=22.17", not "' + range + '"',
  );
  process.exit(1);
}

function parts(version) {
  return version.split('.').map(function (part) {
    return parseInt(part, 10) || 0;
  });
}

var needed = [Number(floor[1]), Number(floor[2]), Number(floor[3] || 0)];
var running = parts(process.versions.node);
var tooOld = false;
for (var i = 0; i < 3; i++) {
  if (running[i] !== needed[i]) {
    tooOld = running[i] < needed[i];
    break;
  }
}

if (tooOld) {
  console.error(
    'mayfly needs Node.js ' +
      floor[1] +
      '.' +
      floor[2] +
      ' or newer (24 LTS recommended), but this is Node.js ' +
      process.version +
      ' (' +
      process.execPath +
      '): install Node.js 24 from https://nodejs.org/en/download (or `nvm install 24`), then run the command again.',
  );
  process.exit(1);
}
