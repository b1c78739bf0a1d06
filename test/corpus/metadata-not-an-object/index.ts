import './salesforce/on-events/register-webhook';
