// Every event function must be imported here: Nango compiles and deploys what index.ts imports.
import './salesforce/on-events/validate-connection';
import './salesforce/on-events/post-connection-setup';
import './salesforce/on-events/pre-connection-cleanup';
import './github/on-events/validate-scopes';
import './github/on-events/seed-metadata';
