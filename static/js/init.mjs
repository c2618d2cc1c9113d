// Start GOV.UK Frontend's components (menu toggle, error summary focus, ...). Loaded as a module
// from a file, not inline, so a Content-Security-Policy can forbid inline scripts later.
import { initAll } from "./govuk-frontend.min.js";

initAll();
