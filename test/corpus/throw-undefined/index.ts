import './salesforce/on-events/check-org';
