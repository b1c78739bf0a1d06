import './salesforce/on-events/read-limits';
