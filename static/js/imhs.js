// Starts NHS.UK frontend's components (header menu, radios with conditional questions,
// character counts, error summary focus, skip link). Loaded as a module, so it runs after
// the page is parsed and only in browsers NHS.UK frontend supports.
import { initAll } from "../nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
