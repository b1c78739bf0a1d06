import './salesforce/on-events/register-webhook';
import './salesforce/on-events/check-org';
