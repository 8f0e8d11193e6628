'use strict';
// Preloaded (node --require) into the pinned pm2-logrotate 3.0.0. It reads its switches with parseBool(value === 'true'),
// but pmx has already turned the string "true" of its configuration into the boolean true, so "compress" can never be
// turned on (keymetrics/pm2-logrotate#201; the fix, #202, is not released). This hands pm2-logrotate its switches back
// as the strings it expects; nothing else changes. pmx is wrapped when pm2-logrotate loads it, not here: pmx finds its
// module's package.json through require.main, which is set only once PM2 has loaded pm2-logrotate's app.js.
const Module = require('module');

const load = Module._load;
let wrapped = false;
Module._load = function loadPmxWithStringSwitches(request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  if (request === 'pmx' && !wrapped) {
    wrapped = true;
    const initModule = exported.initModule;
    exported.initModule = function initModuleWithStringSwitches(opts, cb) {
      const conf = initModule.call(this, opts, cb);
      for (const key of ['compress', 'rotateModule']) {
        if (typeof conf[key] === 'boolean') conf[key] = String(conf[key]);
      }
      return conf;
    };
  }
  return exported;
};
