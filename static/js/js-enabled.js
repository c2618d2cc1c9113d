// GOV.UK Frontend's page-start snippet, loaded from a file at the top of <body> (a classic, blocking
// script, so the classes are there before the first paint) because the Content-Security-Policy
// forbids inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
