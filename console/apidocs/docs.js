// docs.js — Swagger UI on ../openapi3.json. "Try it out" sends the domain
// and token the console signed in with (sessionStorage: this tab only),
// as HTTP Basic credentials; nothing is kept elsewhere.
(function () {
  'use strict';
  var auth = null;
  try { auth = JSON.parse(sessionStorage.getItem('selfhost.auth') || 'null'); } catch (e) { auth = null; }
  if (auth && auth.domain && auth.token) {
    var who = document.getElementById('who');
    who.textContent = 'Try it out runs as ' + (auth.user ? auth.user + ' in ' : '') + 'domain ' + auth.domain;
  }
  var ui = SwaggerUIBundle({
    url: '../openapi3.json',
    dom_id: '#swagger',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayOperationId: false,
    tryItOutEnabled: false,
    persistAuthorization: false,
    validatorUrl: null,
    onComplete: function () {
      if (auth && auth.domain && auth.token) ui.preauthorizeBasic('BasicAuth', auth.domain, auth.token);
    }
  });
  window.ui = ui;
})();
