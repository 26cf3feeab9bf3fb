// Enhancements only: every page works without this (and without any script at all).
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();
