import './salesforce/on-events/read-accounts';
